"""The job engine's records: schedules (a connection's sync, the daily jobs), runs, and live workers.

The queue itself lives in Huey's storage (``ACCTGRAPH_QUEUE_URL``); these tables are what people read:
what is scheduled, when it runs next, how each run ended, and whether a worker is alive.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from acctgraph.models.base import Base, enum_type, utcnow


class JobRunStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    RETRYING = "retrying"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"


WAITING_STATUSES = (JobRunStatus.QUEUED, JobRunStatus.RETRYING)
ACTIVE_STATUSES = (JobRunStatus.QUEUED, JobRunStatus.RUNNING, JobRunStatus.RETRYING)


class JobSchedule(Base):
    """A job run on a schedule: a connection's sync (``connection_id`` set) or a periodic job."""

    __tablename__ = "job_schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True, comment="sync:CONNECTION or the job's name")
    job: Mapped[str] = mapped_column(String(120), comment="The registered job it runs")
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    connection_id: Mapped[int | None] = mapped_column(
        ForeignKey("connections.id", ondelete="CASCADE"), unique=True, comment="The connection synced, for a sync"
    )
    schedule: Mapped[str] = mapped_column(String(120), comment="A cron expression or an interval (15m, 1h, 1d)")
    enabled: Mapped[bool] = mapped_column(default=True)
    next_run_at: Mapped[datetime | None] = mapped_column(comment="When it is due next; a new schedule is due at once")
    last_run_at: Mapped[datetime | None]
    last_status: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    last_run_id: Mapped[int | None] = mapped_column(comment="The job_runs row of its last run")


class JobRun(Base):
    """One run of a job, from enqueued to its outcome; retries update the same row (``attempts``)."""

    __tablename__ = "job_runs"
    __table_args__ = (Index("ix_job_runs_status_queued", "status", "queued_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(120), index=True)
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    task_id: Mapped[str] = mapped_column(String(64), unique=True, comment="The queue's task id")
    dedupe_key: Mapped[str | None] = mapped_column(
        String(200), index=True, comment="At most one waiting or running run per key"
    )
    schedule_id: Mapped[int | None] = mapped_column(ForeignKey("job_schedules.id", ondelete="SET NULL"), index=True)
    status: Mapped[JobRunStatus] = mapped_column(enum_type(JobRunStatus), default=JobRunStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    worker: Mapped[str | None] = mapped_column(String(200), comment="The worker running it (host:pid)")
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(Text, comment="What it did, in one line")
    error: Mapped[str | None] = mapped_column(Text)


class JobWorker(Base):
    """A worker process and its last heartbeat: ``acctgraph doctor`` calls a worker alive from it."""

    __tablename__ = "job_workers"

    name: Mapped[str] = mapped_column(String(200), primary_key=True, comment="host:pid")
    threads: Mapped[int] = mapped_column(default=1)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(default=utcnow)
