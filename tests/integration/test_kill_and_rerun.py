"""Exactly-once effect: a sync killed with SIGKILL at random moments, then run again, leaves exactly the
database a clean run leaves: nothing lost, nothing duplicated."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import Engine, func, select

from acctgraph import migrations
from acctgraph.db import create_sync_engine, sync_sessionmaker
from acctgraph.models import SyncRun, SyncRunStatus
from tests.integration.conftest import add_csv_connection, snapshot, sync, write_csv_files

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def start_sync(database_url: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.integration.sync_process", database_url, "sheet"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_until_run_started(engine: Engine, run_number: int, process: subprocess.Popen[bytes]) -> None:
    """Poll until the process has recorded its run, so the kill lands inside the sync, not in start-up."""
    deadline = time.monotonic() + 60
    with engine.connect() as connection:
        while connection.scalar(select(func.count()).select_from(SyncRun)) < run_number:
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else "sync exited"
            assert time.monotonic() < deadline, "the sync process never started its run"
            time.sleep(0.02)
            connection.rollback()


def test_sync_killed_mid_run_then_rerun_equals_clean_run(backend, new_database_url, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    exports = tmp_path / "exports"
    write_csv_files(exports, accounts=200, usage_days=10)
    killed_url, clean_url = new_database_url(backend), new_database_url(backend)
    engines = {}
    for url in (killed_url, clean_url):
        migrations.upgrade(url)
        engines[url] = create_sync_engine(url)
        add_csv_connection(engines[url], exports, checkpoint_every=15)

    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    kills = 0
    for attempt in range(1, 6):
        process = start_sync(killed_url)
        wait_until_run_started(engines[killed_url], attempt, process)
        time.sleep(rng.uniform(0, 1.5))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait(timeout=60)
    assert kills >= 1, f"no run was killed mid-way (seed {seed}); the sync finished too fast to test"

    final = sync(engines[killed_url])
    clean = sync(engines[clean_url])
    assert final.status is clean.status is SyncRunStatus.SUCCEEDED
    with (
        sync_sessionmaker(engines[killed_url])() as killed_session,
        sync_sessionmaker(engines[clean_url])() as clean_session,
    ):
        assert snapshot(killed_session) == snapshot(clean_session), f"seed {seed}"
        statuses = killed_session.scalars(select(SyncRun.status)).all()
        assert SyncRunStatus.RUNNING not in statuses, "a killed run is recorded as interrupted by the next one"
        assert SyncRunStatus.FAILED in statuses, f"no kill landed inside a run (seed {seed})"
    for engine in engines.values():
        engine.dispose()
