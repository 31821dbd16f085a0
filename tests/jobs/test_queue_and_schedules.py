"""The queue behind ``ACCTGRAPH_QUEUE_URL`` (SQLite file, PostgreSQL storage, Redis), schedules as people
write them, and due schedules enqueued once however many workers tick."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url

from acctgraph.db import sync_sessionmaker
from acctgraph.jobs.postgres_storage import PostgresStorage
from acctgraph.jobs.queue import QueueConfigError, create_huey, job_queue, queue_url
from acctgraph.jobs.runs import enqueue_job
from acctgraph.jobs.schedules import ScheduleError, parse_schedule
from acctgraph.jobs.tick import enqueue_due_schedules
from acctgraph.jobs.worker import run_queued_jobs
from acctgraph.models import JobRun, JobRunStatus, JobSchedule
from acctgraph.settings import Settings
from tests.jobs.conftest import settings_for

MOMENT = datetime(2026, 11, 30, 20, 17, 42, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15m", MOMENT + timedelta(minutes=15)),
        (" 2H ", MOMENT + timedelta(hours=2)),
        ("hourly", MOMENT + timedelta(hours=1)),
        ("daily", MOMENT + timedelta(days=1)),
        ("45s", MOMENT + timedelta(seconds=45)),
        ("0 2 * * *", datetime(2026, 12, 1, 2, 0, tzinfo=UTC)),
        ("*/15 * * * *", datetime(2026, 11, 30, 20, 30, tzinfo=UTC)),
        ("30 9 * * 1", datetime(2026, 12, 7, 9, 30, tzinfo=UTC)),  # 2026-11-30 is a Monday, past 09:30
    ],
)
def test_a_schedule_gives_the_next_run_after_a_moment(text: str, expected: datetime) -> None:
    assert parse_schedule(text).next_after(MOMENT) == expected


@pytest.mark.parametrize("text", ["every tuesday", "5s", "0 2 * *", "61 * * * *", ""])
def test_a_schedule_that_cannot_be_read_says_how_to_write_one(text: str) -> None:
    with pytest.raises(ScheduleError, match=r"15m|cron"):
        parse_schedule(text)


def test_the_queue_sits_beside_the_database_unless_set() -> None:
    assert queue_url(Settings(database_url="sqlite:///data/acctgraph.db", _env_file=None)) == (
        "sqlite:///data/acctgraph.queue.db"
    )
    postgres = "postgresql://app@db.internal/acctgraph"
    assert queue_url(Settings(database_url=postgres, _env_file=None)) == postgres
    chosen = Settings(database_url=postgres, queue_url="redis://cache:6379/2", _env_file=None)
    assert queue_url(chosen) == "redis://cache:6379/2"


@pytest.mark.parametrize("url", ["ftp://queue.example/x", "not a url", "sqlite://"])
def test_a_queue_url_acctgraph_cannot_use_is_a_clear_error(url: str) -> None:
    with pytest.raises(QueueConfigError, match=r"ACCTGRAPH_QUEUE_URL|file"):
        create_huey(url)


def test_the_worker_command_says_what_to_fix_for_a_bad_queue_url(db_url: str) -> None:
    env = {**os.environ, "ACCTGRAPH_DATABASE_URL": db_url, "ACCTGRAPH_QUEUE_URL": "ftp://queue.example/x"}
    result = subprocess.run(
        [sys.executable, "-m", "acctgraph", "worker"], capture_output=True, text=True, env=env, timeout=120
    )

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "set ACCTGRAPH_QUEUE_URL to sqlite:///" in result.stderr


def test_a_due_schedule_is_enqueued_once_however_many_workers_tick(engine: Engine, job_settings: Settings) -> None:
    now = datetime.now(UTC)
    with sync_sessionmaker(engine)() as session:
        session.add(JobSchedule(name="apply-transfers", job="apply-transfers", schedule="1h", next_run_at=now))
        session.add(
            JobSchedule(name="later", job="apply-transfers", schedule="1h", next_run_at=now + timedelta(hours=1))
        )
        session.commit()

    ticks = [enqueue_due_schedules(job_settings, engine, now + timedelta(seconds=1)) for _ in range(3)]

    assert [len(enqueued) for enqueued in ticks] == [1, 0, 0]
    with sync_sessionmaker(engine)() as session:
        due = session.scalars(select(JobSchedule).where(JobSchedule.name == "apply-transfers")).one()
        assert due.next_run_at == now + timedelta(seconds=1, hours=1)
    assert job_queue(job_settings).huey.pending_count() == 1


def test_a_schedule_whose_run_is_still_waiting_is_not_enqueued_again(engine: Engine, job_settings: Settings) -> None:
    now = datetime.now(UTC)
    with sync_sessionmaker(engine)() as session:
        session.add(JobSchedule(name="apply-transfers", job="apply-transfers", schedule="10s", next_run_at=now))
        session.commit()

    first = enqueue_due_schedules(job_settings, engine, now)
    second = enqueue_due_schedules(job_settings, engine, now + timedelta(seconds=20))

    assert len(first) == 1
    assert second == []
    with sync_sessionmaker(engine)() as session:
        assert session.scalar(select(func.count()).select_from(JobRun)) == 1


def test_two_storages_on_one_postgresql_queue_never_take_the_same_task(backend: str, db_url: str) -> None:
    if backend != "postgresql":
        pytest.skip("PostgreSQL's storage")
    conninfo = make_url(db_url).set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"race-{os.getpid()}"
    producer = PostgresStorage(name, conninfo=conninfo)
    producer.flush_queue()
    tasks = {f"task-{n}".encode() for n in range(300)}
    for data in tasks:
        producer.enqueue(data)
    taken: list[list[bytes]] = [[], [], []]

    def drain(bucket: list[bytes]) -> None:
        storage = PostgresStorage(name, conninfo=conninfo)
        while (data := storage.dequeue()) is not None:
            bucket.append(data)
        storage.close()

    threads = [threading.Thread(target=drain, args=(bucket,)) for bucket in taken]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    every = [data for bucket in taken for data in bucket]
    assert len(every) == len(tasks) == len(set(every))
    assert set(every) == tasks
    assert all(taken), "a worker got nothing: the lock made them wait in turn"
    assert producer.queue_size() == 0
    assert producer.put_if_empty("lock", b"1") is True
    assert producer.put_if_empty("lock", b"2") is False
    assert producer.pop_data("lock") == b"1"
    producer.close()


def redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not redis_reachable(), reason="no Redis at 127.0.0.1:6379")
@pytest.mark.xdist_group("redis")  # both databases share one Redis queue: one xdist worker runs them in turn
def test_a_redis_queue_runs_a_job(engine: Engine, db_url: str) -> None:
    settings = settings_for(db_url, queue_url=f"redis://127.0.0.1:6379/{os.getpid() % 16}")
    queue = job_queue(settings)
    queue.huey.flush()

    run = enqueue_job(settings, engine, "apply-transfers")
    waiting = queue.depth()
    ran = run_queued_jobs(settings)

    assert run is not None
    assert (waiting, ran) == (1, 1)
    with sync_sessionmaker(engine)() as session:
        done = session.get_one(JobRun, run.id)
        assert (done.status, done.outcome) == (JobRunStatus.SUCCEEDED, "0 transfers applied")
    queue.huey.flush()
