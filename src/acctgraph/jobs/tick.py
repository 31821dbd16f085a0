"""What each worker does every ``ACCTGRAPH_JOB_TICK_SECONDS``: record its heartbeat, queue again the
runs of a worker that died mid-run, and enqueue the schedules that are due.

Every worker ticks; a due schedule is enqueued once because claiming it is a compare-and-set of its
``next_run_at`` (one UPDATE wins), and a dead worker's run once because re-queueing it is a
compare-and-set of its status and worker.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import CursorResult, Engine, delete, or_, select, update

from acctgraph.db import sync_sessionmaker
from acctgraph.jobs.queue import job_queue
from acctgraph.jobs.registry import registered_jobs
from acctgraph.jobs.runs import enqueue_job, worker_name
from acctgraph.jobs.schedules import ScheduleError, parse_schedule
from acctgraph.models import JobRun, JobRunStatus, JobSchedule, JobWorker
from acctgraph.models.base import utcnow

if TYPE_CHECKING:
    from acctgraph.settings import Settings


def stale_after(settings: Settings) -> timedelta:
    """A worker whose heartbeat is older than this is taken for dead."""
    return timedelta(seconds=max(3 * settings.job_tick_seconds, 10))


def tick(settings: Settings, engine: Engine, threads: int) -> list[JobRun]:
    """One round: heartbeat, recovery, due schedules; returns the runs it enqueued."""
    heartbeat(engine, threads)
    recovered = requeue_dead_workers_runs(settings, engine)
    return recovered + enqueue_due_schedules(settings, engine)


def heartbeat(engine: Engine, threads: int) -> None:
    name, now = worker_name(), utcnow()
    with sync_sessionmaker(engine)() as session:
        worker = session.get(JobWorker, name)
        if worker is None:
            session.add(JobWorker(name=name, threads=threads, started_at=now, heartbeat_at=now))
        else:
            worker.heartbeat_at = now
        session.commit()


def sign_off(engine: Engine) -> None:
    """A worker stopping cleanly removes its heartbeat."""
    with sync_sessionmaker(engine)() as session:
        session.execute(delete(JobWorker).where(JobWorker.name == worker_name()))
        session.commit()


def ensure_periodic_schedules(settings: Settings, engine: Engine) -> None:
    """A ``job_schedules`` row for each registered periodic job, its schedule from the settings."""
    with sync_sessionmaker(engine)() as session:
        existing = {
            row.name: row for row in session.scalars(select(JobSchedule).where(JobSchedule.connection_id.is_(None)))
        }
        for name, definition in registered_jobs().items():
            text = definition.schedule_for(settings)
            if text is None:
                continue
            schedule = parse_schedule(text)
            row = existing.get(name)
            if row is None:
                session.add(JobSchedule(name=name, job=name, schedule=schedule.text, next_run_at=utcnow()))
            elif row.schedule != schedule.text:
                row.schedule = schedule.text
                row.next_run_at = schedule.next_after(utcnow())
        session.commit()


def enqueue_due_schedules(settings: Settings, engine: Engine, now: datetime | None = None) -> list[JobRun]:
    """Enqueue every enabled schedule due by ``now``, moving its ``next_run_at`` on first."""
    now = now or utcnow()
    enqueued = []
    with sync_sessionmaker(engine)() as session:
        due = session.execute(
            select(JobSchedule.id, JobSchedule.schedule, JobSchedule.next_run_at).where(
                JobSchedule.enabled.is_(True), JobSchedule.next_run_at <= now
            )
        ).all()
    for schedule_id, text, due_at in due:
        try:
            following = parse_schedule(text).next_after(now)
        except ScheduleError:
            following = None
        with sync_sessionmaker(engine)() as session:
            claimed = cast(
                CursorResult[Any],
                session.execute(
                    update(JobSchedule)
                    .where(JobSchedule.id == schedule_id, JobSchedule.next_run_at == due_at)
                    .values(next_run_at=following)
                ),
            )
            session.commit()
            if claimed.rowcount != 1:
                continue
            schedule = session.get_one(JobSchedule, schedule_id)
            job, params, name = schedule.job, dict(schedule.params), schedule.name
        run = enqueue_job(settings, engine, job, params, dedupe_key=f"schedule:{name}", schedule_id=schedule_id)
        if run is not None:
            enqueued.append(run)
    return enqueued


def _is_dead(worker: str, heartbeat_at: datetime | None, stale_before: datetime) -> bool:
    host, _, pid = worker.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
    return heartbeat_at is None or heartbeat_at < stale_before


def requeue_dead_workers_runs(settings: Settings, engine: Engine) -> list[JobRun]:
    """Send again the runs a dead worker had started (its task left the queue when it took it).

    The job itself must be safe to run again: a sync is (the engine's checkpoints and exactly-once writes).
    """
    stale_before = utcnow() - stale_after(settings)
    with sync_sessionmaker(engine)() as session:
        running = session.execute(
            select(JobRun.id, JobRun.worker, JobRun.job, JobRun.params, JobWorker.heartbeat_at)
            .outerjoin(JobWorker, JobWorker.name == JobRun.worker)
            .where(JobRun.status == JobRunStatus.RUNNING, or_(JobRun.worker.is_(None), JobRun.worker != worker_name()))
        ).all()
    queue = job_queue(settings)
    requeued = []
    for run_id, worker, job, params, heartbeat_at in running:
        if worker is None or not _is_dead(worker, heartbeat_at, stale_before):
            continue
        task = queue.task(job, dict(params))
        with sync_sessionmaker(engine)() as session:
            taken = cast(
                CursorResult[Any],
                session.execute(
                    update(JobRun)
                    .where(JobRun.id == run_id, JobRun.status == JobRunStatus.RUNNING, JobRun.worker == worker)
                    .values(
                        status=JobRunStatus.QUEUED,
                        task_id=task.id,
                        worker=None,
                        error=f"worker {worker} stopped during this run; queued again",
                    )
                ),
            )
            session.commit()
            if taken.rowcount != 1:
                continue
            queue.enqueue(task)
            requeued.append(session.get_one(JobRun, run_id))
    return requeued
