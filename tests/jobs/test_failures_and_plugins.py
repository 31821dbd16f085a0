"""A job that keeps failing is retried with backoff, then stops, its error on its run, its schedule,
`acctgraph jobs list` and `acctgraph doctor`; a plugin of the plugins directory hears the worker's alerts."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from acctgraph.db import sync_sessionmaker
from acctgraph.jobs.queue import job_queue
from acctgraph.jobs.reads import scheduled_jobs
from acctgraph.jobs.registry import JobContext, job
from acctgraph.jobs.runs import enqueue_job
from acctgraph.jobs.tick import enqueue_due_schedules
from acctgraph.jobs.worker import run_queued_jobs
from acctgraph.models import JobRun, JobRunStatus, JobSchedule
from acctgraph.observability.doctor import diagnose
from acctgraph.observability.findings import Status
from acctgraph.settings import Settings
from tests.fixtures import SampleData
from tests.integration.test_plugin_host import calls, plugins_dir
from tests.jobs.conftest import settings_for, wait_for_runs

RETRIES = 2


@job("test-always-fails", retries=RETRIES)
def always_fails(context: JobContext, reason: str) -> str:
    """A job whose source always refuses (for these tests)."""
    raise RuntimeError(f"the source said no: {reason}")


def test_a_failing_job_stops_after_its_retries_with_the_error_visible(
    engine: Engine, job_settings: Settings, db_url: str
) -> None:
    with sync_sessionmaker(engine)() as session:
        session.add(
            JobSchedule(
                name="flaky-source",
                job="test-always-fails",
                params={"reason": "quota"},
                schedule="1h",
                next_run_at=datetime.now(UTC),
            )
        )
        session.commit()

    [queued] = enqueue_due_schedules(job_settings, engine)
    executed = run_queued_jobs(job_settings)

    assert executed == RETRIES + 1
    with sync_sessionmaker(engine)() as session:
        run = session.get_one(JobRun, queued.id)
        assert run.status is JobRunStatus.FAILED
        assert run.attempts == RETRIES + 1
        assert run.error == "RuntimeError: the source said no: quota"
        [listed] = [entry for entry in scheduled_jobs(session) if entry.name == "flaky-source"]
    assert (listed.last_status, listed.last_error) == ("failed", run.error)
    assert run_queued_jobs(job_settings) == 0, "a job out of retries ran again"
    problems = [f for f in diagnose(engine) if f.check == "schedule flaky-source"]
    assert [p.status for p in problems] == [Status.PROBLEM]
    assert "the source said no: quota" in problems[0].message
    env = {**os.environ, "ACCTGRAPH_DATABASE_URL": db_url}
    listing = subprocess.run(
        [sys.executable, "-m", "acctgraph", "jobs", "list"], capture_output=True, text=True, env=env, timeout=120
    )
    assert listing.returncode == 0, listing.stderr
    [line] = [line for line in listing.stdout.splitlines() if "flaky-source" in line]
    assert "failed" in line and "the source said no: quota" in line


def test_each_retry_waits_twice_as_long_as_the_one_before(engine: Engine, db_url: str) -> None:
    settings = settings_for(db_url, job_retry_delay_seconds=30)
    queue = job_queue(settings)
    queue.huey.flush()
    run = enqueue_job(settings, engine, "test-always-fails", {"reason": "down"})
    assert run is not None

    before = datetime.now(UTC)
    run_queued_jobs(settings)
    [first_retry] = queue.huey.scheduled()
    queue.huey.storage.flush_schedule()
    first_eta, first_retry.eta = first_retry.eta, None  # its time has come
    queue.huey.enqueue(first_retry)
    run_queued_jobs(settings)
    [second_retry] = queue.huey.scheduled()
    queue.huey.flush()

    first_wait = first_eta.replace(tzinfo=UTC) - before
    second_wait = second_retry.eta.replace(tzinfo=UTC) - before
    assert timedelta(seconds=29) < first_wait < timedelta(seconds=40)
    assert timedelta(seconds=59) < second_wait < timedelta(seconds=70)
    with sync_sessionmaker(engine)() as session:
        recorded = session.get_one(JobRun, run.id)
        assert (recorded.status, recorded.attempts) == (JobRunStatus.RETRYING, 2)


@pytest.mark.slow
def test_a_local_plugin_receives_alerts_raised_from_the_worker(
    tmp_path: Path, engine: Engine, job_settings: Settings, sample: SampleData, start_worker: Callable[..., Any]
) -> None:
    directory = plugins_dir(tmp_path)
    account = sample.account(name="Overdue Co")
    sample.invoice(account, due_date=date.today() - timedelta(days=45))
    sample.session.commit()

    start_worker(job_settings, workers=1, ACCTGRAPH_PLUGINS_DIR=str(directory))
    runs = wait_for_runs(engine, "alerts-evaluate", 1, (JobRunStatus.SUCCEEDED, JobRunStatus.FAILED))
    wait_for_runs(engine, "health-compute", 1, (JobRunStatus.SUCCEEDED, JobRunStatus.FAILED))

    assert runs[0].status is JobRunStatus.SUCCEEDED, runs[0].error
    raised = [entry["alerts"] for entry in calls(directory) if entry["hook"] == "alerts_raised" and entry["alerts"]]
    assert raised == [[["invoice_overdue", "Overdue Co"]]]
    with sync_sessionmaker(engine)() as session:
        assert session.scalar(select(JobRun.outcome).where(JobRun.id == runs[0].id)) is not None


def test_jobs_run_of_a_failing_job_records_it_and_raises_nothing(engine: Engine, job_settings: Settings) -> None:
    from acctgraph.jobs.registry import job_definition
    from acctgraph.jobs.runs import run_job_now

    run = run_job_now(job_settings, engine, job_definition("test-always-fails"), {"reason": "by hand"})

    assert (run.status, run.attempts) == (JobRunStatus.FAILED, 1)
    assert run.error == "RuntimeError: the source said no: by hand"
