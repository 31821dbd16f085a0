"""Real ``acctgraph worker`` processes: a schedule syncs with no command, two workers share one
PostgreSQL queue without syncing a connection twice at once, and a worker killed with SIGKILL mid-sync
is replaced by one that finishes the run, leaving exactly what a clean sync leaves."""

from __future__ import annotations

import itertools
import random
import signal
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from acctgraph import migrations
from acctgraph.db import create_sync_engine, sync_sessionmaker
from acctgraph.jobs.connection_schedules import SYNC_JOB, set_connection_schedule
from acctgraph.jobs.runs import enqueue_job
from acctgraph.models import Connection, JobRun, JobRunStatus, JobSchedule, SyncRun, SyncRunStatus, SyncRunStream
from acctgraph.settings import Settings
from acctgraph.testing.engine_runs import synced_snapshot
from tests.integration.conftest import add_csv_connection, sync, write_csv_files
from tests.jobs.conftest import wait_for_runs

pytestmark = pytest.mark.slow
FINISHED = (JobRunStatus.SUCCEEDED, JobRunStatus.FAILED, JobRunStatus.SKIPPED)


def schedule_connection(engine: Engine, name: str, schedule: str) -> int:
    with sync_sessionmaker(engine)() as session:
        connection = session.scalars(select(Connection).where(Connection.name == name)).one()
        set_connection_schedule(session, connection, schedule)
        session.commit()
        return connection.id


def test_a_connection_schedule_syncs_through_a_worker_with_no_command(
    engine: Engine, job_settings: Settings, csv_dir: Path, start_worker: Callable[..., Any]
) -> None:
    add_csv_connection(engine, csv_dir)
    schedule_connection(engine, "sheet", "1h")

    start_worker(job_settings)
    [run] = wait_for_runs(engine, SYNC_JOB, 1, FINISHED)
    [health] = wait_for_runs(engine, "health-compute", 1, FINISHED)

    assert run.status is JobRunStatus.SUCCEEDED, run.error
    with sync_sessionmaker(engine)() as session:
        [sync_run] = session.scalars(select(SyncRun)).all()
        assert sync_run.status is SyncRunStatus.SUCCEEDED
        schedule = session.scalars(select(JobSchedule).where(JobSchedule.name == "sync:sheet")).one()
        assert schedule.last_status == "succeeded"
        assert schedule.last_run_id == run.id
        assert schedule.next_run_at is not None and schedule.next_run_at > datetime.now(UTC)
    assert health.status is JobRunStatus.SUCCEEDED, health.error
    assert f"health for {datetime.now(UTC).date()}" in (health.outcome or "")


def test_two_workers_on_one_postgres_queue_share_work_without_syncing_a_connection_twice_at_once(
    backend: str, engine: Engine, job_settings: Settings, tmp_path: Path, start_worker: Callable[..., Any]
) -> None:
    if backend != "postgresql":
        pytest.skip("the shared queue is PostgreSQL's (SQLite's queue serves one machine)")
    names = [f"sheet{n}" for n in range(3)]
    for name in names:
        write_distinct_csv_files(tmp_path / name, name)
        add_csv_connection(engine, tmp_path / name, name=name, checkpoint_every=20)
    with sync_sessionmaker(engine)() as session:
        ids = list(session.scalars(select(Connection.id).order_by(Connection.name)))
    for _ in range(4):  # each connection asked for 4 times: the queue holds competing syncs of each
        for connection_id in ids:
            enqueue_job(job_settings, engine, SYNC_JOB, {"connection_id": connection_id})

    workers = [start_worker(job_settings, workers=2) for _ in range(2)]
    runs = wait_for_runs(engine, SYNC_JOB, 12, FINISHED)

    assert all(worker.poll() is None for worker in workers)
    assert {run.status for run in runs} <= {JobRunStatus.SUCCEEDED, JobRunStatus.SKIPPED}
    assert all(run.attempts == 1 for run in runs), "a task was taken twice"
    assert len({run.worker for run in runs}) == 2, "one worker did all the work"
    with sync_sessionmaker(engine)() as session:
        sync_runs = session.scalars(select(SyncRun).order_by(SyncRun.started_at)).all()
    assert sum(run.status is JobRunStatus.SUCCEEDED for run in runs) == len(sync_runs)
    for connection_id in ids:
        spans = [(r.started_at, r.finished_at) for r in sync_runs if r.connection_id == connection_id]
        assert spans, f"connection {connection_id} was never synced"
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert end is not None and end <= start, f"two syncs of connection {connection_id} overlapped"


def write_distinct_csv_files(directory: Path, prefix: str) -> None:
    """The csv fixture's files with ids and domains of their own: connections that share no record."""
    write_csv_files(directory, accounts=150, usage_days=3)
    for path in directory.glob("*.csv"):
        header, _, rows = path.read_text().partition("\n")
        rows = rows.replace("account", f"{prefix}-account").replace("A", f"{prefix}A").replace("C", f"{prefix}C")
        path.write_text(f"{header}\n{rows}")


def test_a_worker_killed_mid_sync_is_replaced_and_the_data_equal_a_clean_run(
    backend: str,
    engine: Engine,
    job_settings: Settings,
    tmp_path: Path,
    new_database_url: Callable[[str], str],
    start_worker: Callable[..., Any],
) -> None:
    exports = tmp_path / "big"
    write_csv_files(exports, accounts=1500, usage_days=6)
    add_csv_connection(engine, exports, checkpoint_every=40)
    schedule_connection(engine, "sheet", "1d")
    seed = random.randrange(1_000_000)

    total = sum(len(path.read_text().splitlines()) - 1 for path in exports.glob("*.csv"))
    target = random.Random(seed).randint(40, total // 3)  # records committed before the kill

    first = start_worker(job_settings)
    wait_for_committed_reads(engine, first, target)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    with sync_sessionmaker(engine)() as session:
        killed = session.scalars(select(SyncRun)).one()
        assert killed.status is SyncRunStatus.RUNNING, f"the sync finished before the kill (seed {seed})"

    start_worker(job_settings)
    [run] = wait_for_runs(engine, SYNC_JOB, 1, FINISHED, timeout=180)

    assert run.status is JobRunStatus.SUCCEEDED, run.error
    assert run.attempts == 2, "the killed worker's run was not taken up again"
    assert "stopped during this run" in (run.error or "") or run.error is None
    clean = create_sync_engine(new_database_url(backend))
    migrations.upgrade(clean.url.render_as_string(hide_password=False))
    add_csv_connection(clean, exports, checkpoint_every=40)
    assert sync(clean).status is SyncRunStatus.SUCCEEDED
    assert synced_snapshot(engine) == synced_snapshot(clean), f"killed and rerun, the data differ (seed {seed})"
    clean.dispose()


def wait_for_committed_reads(engine: Engine, worker: Any, target: int) -> None:
    """Until the worker's sync has committed at least ``target`` records read (its checkpoints)."""
    deadline = time.monotonic() + 90
    while True:
        with sync_sessionmaker(engine)() as session:
            if (session.scalar(select(func.sum(SyncRunStream.read))) or 0) >= target:
                return
        assert worker.poll() is None, "the worker exited"
        assert time.monotonic() < deadline, "the worker never started the scheduled sync"
        time.sleep(0.02)


def test_runs_waiting_are_counted_by_status(engine: Engine, job_settings: Settings) -> None:
    run = enqueue_job(job_settings, engine, "apply-transfers")
    again = enqueue_job(job_settings, engine, "apply-transfers", dedupe_key="once")
    duplicate = enqueue_job(job_settings, engine, "apply-transfers", dedupe_key="once")

    assert run is not None and again is not None
    assert duplicate is None
    with sync_sessionmaker(engine)() as session:
        statuses = list(session.scalars(select(JobRun.status)))
    assert statuses == [JobRunStatus.QUEUED, JobRunStatus.QUEUED]
