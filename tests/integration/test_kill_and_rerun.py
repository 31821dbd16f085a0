"""Exactly-once effect: a sync killed with SIGKILL at random moments, then run again, leaves exactly the
database a clean run leaves: nothing lost, nothing duplicated. A full refresh killed the same way and
followed by a plain run deletes exactly what a clean full refresh deletes."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from acctgraph import migrations
from acctgraph.db import create_sync_engine, sync_sessionmaker
from acctgraph.models import SyncRun, SyncRunStatus, SyncRunStream
from acctgraph.testing.http import wait_until_run_started
from tests.integration.conftest import add_csv_connection, snapshot, sync, write_csv_files

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def start_sync(database_url: str, *arguments: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.integration.sync_process", database_url, "sheet", *arguments],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def latest_run_status(engine: Engine) -> SyncRunStatus:
    with sync_sessionmaker(engine)() as session:
        return session.scalar(select(SyncRun.status).order_by(SyncRun.id.desc()).limit(1))


def run_count(engine: Engine) -> int:
    with sync_sessionmaker(engine)() as session:
        return len(session.scalars(select(SyncRun.id)).all())


def two_databases(backend: str, new_database_url, exports: Path) -> tuple[Engine, Engine]:  # type: ignore[no-untyped-def]
    """The database whose syncs are killed and the one synced cleanly, each with the csv connection."""
    engines = []
    for _ in range(2):
        url = new_database_url(backend)
        migrations.upgrade(url)
        engine = create_sync_engine(url)
        add_csv_connection(engine, exports, checkpoint_every=15)
        engines.append(engine)
    return engines[0], engines[1]


def kill_syncs(engine: Engine, *arguments: str, kills: int = 3) -> tuple[int, int]:
    """Start syncs and SIGKILL them at random moments until ``kills`` landed inside a run.
    Returns (kills inside a run, seed)."""
    seed = int(os.environ.get("ACCTGRAPH_KILL_TEST_SEED", random.randrange(1_000_000)))
    rng = random.Random(seed)
    mid_run_kills, attempt, longest_wait = 0, 0, 1.5
    runs_before = run_count(engine)
    while mid_run_kills < kills and attempt < 12:
        attempt += 1
        process = start_sync(engine.url.render_as_string(hide_password=False), *arguments)
        wait_until_run_started(engine, runs_before + attempt, process)
        time.sleep(rng.uniform(0, longest_wait))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        if latest_run_status(engine) is SyncRunStatus.RUNNING:
            mid_run_kills += 1
        else:
            longest_wait /= 2  # that run finished first: kill sooner next time
    assert mid_run_kills >= 1, f"no kill landed inside a run (seed {seed})"
    return mid_run_kills, seed


def kill_in_first_stream(engine: Engine, *arguments: str) -> None:
    """Start a sync and SIGKILL it as soon as its first stream has begun, before the others start."""
    runs_before = run_count(engine)
    process = start_sync(engine.url.render_as_string(hide_password=False), *arguments)
    wait_until_run_started(engine, runs_before + 1, process)
    deadline = time.monotonic() + 60
    with sync_sessionmaker(engine)() as session:
        while not session.scalar(
            select(func.count())
            .select_from(SyncRunStream)
            .where(SyncRunStream.run_id == (select(func.max(SyncRun.id)).scalar_subquery()))
        ):
            assert time.monotonic() < deadline and process.poll() is None, "the sync never began a stream"
            time.sleep(0.01)
            session.rollback()
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    assert latest_run_status(engine) is SyncRunStatus.RUNNING, "the kill landed after the run finished"


def assert_same_data(killed: Engine, clean: Engine, seed: int) -> None:
    with sync_sessionmaker(killed)() as killed_session, sync_sessionmaker(clean)() as clean_session:
        assert snapshot(killed_session) == snapshot(clean_session), f"seed {seed}"
        statuses = killed_session.scalars(select(SyncRun.status)).all()
        assert SyncRunStatus.RUNNING not in statuses, "a killed run is recorded as interrupted by the next one"


def test_sync_killed_mid_run_then_rerun_equals_clean_run(backend, new_database_url, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    exports = tmp_path / "exports"
    write_csv_files(exports, accounts=200, usage_days=10)
    killed, clean = two_databases(backend, new_database_url, exports)
    mid_run_kills, seed = kill_syncs(killed)

    final, clean_run = sync(killed), sync(clean)
    assert final.status is clean_run.status is SyncRunStatus.SUCCEEDED
    assert_same_data(killed, clean, seed)
    with sync_sessionmaker(killed)() as session:
        assert session.scalars(select(SyncRun.status)).all().count(SyncRunStatus.FAILED) == mid_run_kills
    killed.dispose()
    clean.dispose()


@pytest.mark.slow
def test_full_refresh_killed_mid_run_then_plain_rerun_equals_clean_full_refresh(  # type: ignore[no-untyped-def]
    backend, new_database_url, tmp_path: Path
) -> None:
    exports = tmp_path / "exports"
    write_csv_files(exports, accounts=400, usage_days=2)
    killed, clean = two_databases(backend, new_database_url, exports)
    sync(killed), sync(clean)
    write_csv_files(exports, accounts=350, usage_days=2)  # 50 accounts and their contacts deleted upstream

    kill_in_first_stream(killed, "--full-refresh")  # the streams after the first have not started
    _, seed = kill_syncs(killed, kills=1)  # plain runs finishing it are killed too
    final, clean_run = sync(killed), sync(clean, full_refresh=True)
    assert final.status is clean_run.status is SyncRunStatus.SUCCEEDED
    assert sum(s.deleted for s in clean_run.streams) == 100
    assert_same_data(killed, clean, seed)
    killed.dispose()
    clean.dispose()
