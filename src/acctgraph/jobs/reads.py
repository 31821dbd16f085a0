"""What ``acctgraph jobs list``, the GraphQL ``jobs`` query and ``doctor`` show of the job engine:
each schedule with its next run, last run and outcome, and the queue's depth."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from acctgraph.models import Connection, JobRun, JobSchedule
from acctgraph.models.jobs import WAITING_STATUSES

MOST_SCHEDULES = 500


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    job: str
    schedule: str
    enabled: bool
    connection: str | None
    next_run_at: datetime | None
    last_run_at: datetime | None
    last_status: str | None
    last_error: str | None
    last_outcome: str | None


def scheduled_jobs(session: Session, limit: int = MOST_SCHEDULES) -> list[ScheduledJob]:
    """Every schedule (at most ``limit``), by name: one statement."""
    rows = session.execute(
        select(JobSchedule, Connection.name, JobRun.outcome)
        .outerjoin(Connection, Connection.id == JobSchedule.connection_id)
        .outerjoin(JobRun, JobRun.id == JobSchedule.last_run_id)
        .order_by(JobSchedule.name)
        .limit(limit)
    ).all()
    return [
        ScheduledJob(
            row.name,
            row.job,
            row.schedule,
            row.enabled,
            connection,
            row.next_run_at,
            row.last_run_at,
            row.last_status,
            row.last_error,
            outcome,
        )
        for row, connection, outcome in rows
    ]


def waiting_runs(session: Session) -> int:
    """Runs recorded as queued or waiting for a retry."""
    return int(session.scalar(select(func.count()).where(JobRun.status.in_(WAITING_STATUSES))) or 0)
