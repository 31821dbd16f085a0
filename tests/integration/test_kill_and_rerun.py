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

from sqlalchemy import Engine, select

from acctgraph import migrations
from acctgraph.db import create_sync_engine, sync_sessionmaker
from acctgraph.models import SyncRun, SyncRunStatus
from acctgraph.testing_http import wait_until_run_started
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


def latest_run_status(engine: Engine) -> SyncRunStatus:
    with sync_sessionmaker(engine)() as session:
        return session.scalar(select(SyncRun.status).order_by(SyncRun.id.desc()).limit(1))


def test_sync_killed_mid_run_then_rerun_equals_clean_run(backend, new_database_url, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    exports = tmp_path / "exports"
    write_csv_files(exports, accounts=200, usage_days=10)
    killed_url, clean_url = new_database_url(backend), new_database_url(backend)
    engines = {}
    for url in (killed_url, clean_url):
        migrations.upgrade(url)
        engines[url] = create_sync_engine(url)
        add_csv_connection(engines[url], exports, checkpoint_every=15)

    seed = int(os.environ.get("ACCTGRAPH_KILL_TEST_SEED", random.randrange(1_000_000)))
    rng = random.Random(seed)
    mid_run_kills, attempt, longest_wait = 0, 0, 1.5
    while mid_run_kills < 3 and attempt < 12:
        attempt += 1
        process = start_sync(killed_url)
        wait_until_run_started(engines[killed_url], attempt, process)
        time.sleep(rng.uniform(0, longest_wait))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        if latest_run_status(engines[killed_url]) is SyncRunStatus.RUNNING:
            mid_run_kills += 1
        else:
            longest_wait /= 2  # that run finished first: kill sooner next time
    assert mid_run_kills >= 1, f"no kill landed inside a run (seed {seed})"

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
        assert statuses.count(SyncRunStatus.FAILED) == mid_run_kills
    for engine in engines.values():
        engine.dispose()
