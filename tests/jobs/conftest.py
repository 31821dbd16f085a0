"""The job engine's fixtures: settings whose queue sits beside the test database (a SQLite file, or the
same PostgreSQL), emptied before and after each test, and a way to run real worker processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from acctgraph.db import sync_sessionmaker
from acctgraph.jobs.queue import job_queue
from acctgraph.models import JobRun, JobRunStatus
from acctgraph.settings import Settings
from tests.integration.conftest import write_csv_files

TICK_SECONDS = 0.5


def settings_for(db_url: str, **values: Any) -> Settings:
    return Settings(
        database_url=db_url, job_tick_seconds=TICK_SECONDS, job_retry_delay_seconds=0, _env_file=None, **values
    )


@pytest.fixture
def job_settings(db_url: str) -> Iterator[Settings]:
    settings = settings_for(db_url)
    queue = job_queue(settings)
    queue.huey.flush()
    yield settings
    queue.huey.flush()


def worker_environment(settings: Settings) -> dict[str, str]:
    """The environment of a worker process with ``settings``' database, queue and timings."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("ACCTGRAPH_")}
    environment.update(
        ACCTGRAPH_DATABASE_URL=settings.database_url,
        ACCTGRAPH_JOB_TICK_SECONDS=str(settings.job_tick_seconds),
        ACCTGRAPH_JOB_RETRY_DELAY_SECONDS=str(settings.job_retry_delay_seconds),
        ACCTGRAPH_JOB_RETRIES=str(settings.job_retries),
    )
    if settings.queue_url:
        environment["ACCTGRAPH_QUEUE_URL"] = settings.queue_url
    return environment


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """Start ``acctgraph worker`` processes (stopped, or killed, at the end of the test)."""
    started: list[subprocess.Popen[bytes]] = []

    def start(settings: Settings, workers: int = 1) -> subprocess.Popen[bytes]:
        log = open(tmp_path / f"worker-{len(started)}.log", "wb")  # noqa: SIM115 - the process writes it
        process = subprocess.Popen(
            [sys.executable, "-m", "acctgraph", "worker", "--workers", str(workers)],
            env=worker_environment(settings),
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
    for process in started:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for_runs(
    engine: Engine, job: str, count: int, statuses: tuple[JobRunStatus, ...], timeout: float = 90
) -> list[JobRun]:
    """Poll until ``count`` runs of ``job`` have one of ``statuses``; fail with what there is after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        with sync_sessionmaker(engine)() as session:
            runs = list(session.scalars(select(JobRun).where(JobRun.job == job).order_by(JobRun.id)))
        done = [run for run in runs if run.status in statuses]
        if len(done) >= count:
            return done
        assert time.monotonic() < deadline, f"after {timeout}s: {[(r.id, r.status, r.error) for r in runs]}"
        time.sleep(0.1)


@pytest.fixture
def csv_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "exports"
    write_csv_files(directory)
    return directory
