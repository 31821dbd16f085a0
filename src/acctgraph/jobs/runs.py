"""Enqueueing a job and recording its run: one ``job_runs`` row from enqueued to outcome.

The row is written (committed) before the task is sent, so a worker always finds it; a retry updates
the same row (``attempts``), and a finished run's schedule gets its last run, outcome and error.
"""

from __future__ import annotations

import os
import socket
import traceback
import uuid
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from acctgraph.db import create_sync_engine, sync_sessionmaker
from acctgraph.integration.plugins import started_plugin_manager
from acctgraph.jobs.queue import job_queue
from acctgraph.jobs.registry import JobContext, JobDefinition, JobSkipped, PermanentJobError, call_job
from acctgraph.models import JobRun, JobRunStatus, JobSchedule
from acctgraph.models.base import utcnow
from acctgraph.models.jobs import ACTIVE_STATUSES

if TYPE_CHECKING:
    from huey.api import Task

    from acctgraph.settings import Settings

FINISHED = (JobRunStatus.SUCCEEDED, JobRunStatus.FAILED, JobRunStatus.SKIPPED)
LONGEST_TEXT = 4000


def worker_name() -> str:
    """This process as the runs and heartbeats name it: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


@cache
def database_engine(url: str) -> Engine:
    """One engine per database per process, shared by the worker's threads."""
    return create_sync_engine(url)


def enqueue_job(
    settings: Settings,
    engine: Engine,
    name: str,
    params: dict[str, Any] | None = None,
    *,
    dedupe_key: str | None = None,
    schedule_id: int | None = None,
) -> JobRun | None:
    """Record a run of job ``name`` and send it to the queue; None (nothing sent) when a run with
    ``dedupe_key`` is still waiting or running."""
    queue = job_queue(settings)
    task = queue.task(name, dict(params or {}))
    with sync_sessionmaker(engine)() as session:
        run = record_run(session, task, dedupe_key=dedupe_key, schedule_id=schedule_id)
        if run is None:
            return None
        session.commit()
        session.refresh(run)
        session.expunge(run)
    queue.enqueue(task)
    return run


def record_run(
    session: Session, task: Task, *, dedupe_key: str | None = None, schedule_id: int | None = None
) -> JobRun | None:
    """Add the ``job_runs`` row of ``task`` (commit it, then send the task); None when a run with
    ``dedupe_key`` is still waiting or running."""
    if dedupe_key is not None and session.scalar(
        select(JobRun.id).where(JobRun.dedupe_key == dedupe_key, JobRun.status.in_(ACTIVE_STATUSES)).limit(1)
    ):
        return None
    job, params = task.name.rpartition(".")[2], task.args[0]
    run = JobRun(job=job, params=params, task_id=task.id, dedupe_key=dedupe_key, schedule_id=schedule_id)
    session.add(run)
    session.flush()
    return run


def run_job_now(
    settings: Settings,
    engine: Engine,
    definition: JobDefinition,
    params: dict[str, Any],
    schedule_id: int | None = None,
) -> JobRun:
    """Run a job in this process (``acctgraph jobs run``), recorded like a queued run but not retried."""
    task_id = f"now-{uuid.uuid4()}"
    with sync_sessionmaker(engine)() as session:
        session.add(JobRun(job=definition.name, params=params, task_id=task_id, schedule_id=schedule_id))
        session.commit()
    execute(settings, definition, None, params, task_id=task_id, engine=engine)
    with sync_sessionmaker(engine)() as session:
        run = session.scalars(select(JobRun).where(JobRun.task_id == task_id)).one()
        session.expunge(run)
        return run


def execute(
    settings: Settings,
    definition: JobDefinition,
    task: Task | None,
    params: dict[str, Any],
    *,
    task_id: str | None = None,
    engine: Engine | None = None,
) -> None:
    """Run one attempt of a job and record it; re-raise a failure that the queue should retry."""
    engine = engine or database_engine(settings.database_url)
    task_id = task_id or (task.id if task is not None else f"now-{uuid.uuid4()}")
    run_id = _start(engine, task_id, definition.name, params)
    if run_id is None:
        return
    context = JobContext(settings, engine, started_plugin_manager(settings), run_id)
    try:
        outcome = call_job(definition, context, params)
    except JobSkipped as skipped:
        _finish(engine, run_id, JobRunStatus.SKIPPED, outcome=str(skipped))
    except PermanentJobError as error:
        _finish(engine, run_id, JobRunStatus.FAILED, error=str(error))
    except Exception as error:
        retrying = task is not None and (task.retries or 0) > 0
        status = JobRunStatus.RETRYING if retrying else JobRunStatus.FAILED
        _finish(engine, run_id, status, error=_describe(error))
        raise
    else:
        _finish(engine, run_id, JobRunStatus.SUCCEEDED, outcome=outcome)


def _describe(error: BaseException) -> str:
    text = "".join(traceback.format_exception_only(error)).strip()
    return text[:LONGEST_TEXT]


def _start(engine: Engine, task_id: str, job: str, params: dict[str, Any]) -> int | None:
    """Mark the run started (created if the task was sent without one); None if it already finished."""
    with sync_sessionmaker(engine)() as session:
        run = session.scalar(select(JobRun).where(JobRun.task_id == task_id))
        if run is None:
            run = JobRun(job=job, params=params, task_id=task_id)
            session.add(run)
        elif run.status in FINISHED:
            return None
        run.status = JobRunStatus.RUNNING
        run.attempts += 1
        run.started_at = utcnow()
        run.finished_at = None
        run.worker = worker_name()
        session.commit()
        return run.id


def _finish(
    engine: Engine, run_id: int, status: JobRunStatus, *, outcome: str | None = None, error: str | None = None
) -> None:
    with sync_sessionmaker(engine)() as session:
        run = session.get_one(JobRun, run_id)
        run.status = status
        run.finished_at = utcnow()
        run.outcome = outcome[:LONGEST_TEXT] if outcome else None
        run.error = error
        if run.schedule_id is not None and (schedule := session.get(JobSchedule, run.schedule_id)) is not None:
            schedule.last_run_at = run.started_at
            schedule.last_status = status.value
            schedule.last_error = error
            schedule.last_run_id = run.id
        session.commit()
