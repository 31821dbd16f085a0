"""Figures read from the database, shared by ``/metrics`` (at each scrape) and ``acctgraph doctor``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import column, func, inspect, select, table
from sqlalchemy.orm import Session

from acctgraph.models import Connection, SyncRequest, SyncRun, SyncRunStatus
from acctgraph.models.base import UTCDateTime, utcnow
from acctgraph.observability.metrics import set_queue_depth, set_sync_lag


@dataclass(frozen=True)
class ConnectionSyncs:
    name: str
    last_success: datetime | None
    last_status: SyncRunStatus | None
    last_error: str | None


def connection_syncs(session: Session) -> list[ConnectionSyncs]:
    """Each connection's last successful sync and its latest run's outcome: two statements, any number of connections."""
    succeeded = (
        select(SyncRun.connection_id, func.max(SyncRun.finished_at).label("at"))
        .where(SyncRun.status == SyncRunStatus.SUCCEEDED)
        .group_by(SyncRun.connection_id)
        .subquery()
    )
    latest_id = (
        select(func.max(SyncRun.id))
        .where(SyncRun.connection_id == Connection.id)
        .correlate(Connection)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Connection.name, succeeded.c.at, SyncRun.status, SyncRun.error)
        .outerjoin(succeeded, succeeded.c.connection_id == Connection.id)
        .outerjoin(SyncRun, SyncRun.id == latest_id)
        .order_by(Connection.name)
    )
    return [ConnectionSyncs(name, at, status, error) for name, at, status, error in rows]


@dataclass(frozen=True)
class SyncQueue:
    waiting: int
    oldest: datetime | None


def sync_request_queue(session: Session) -> SyncQueue:
    """Sync requests no worker has claimed yet, and when the oldest was made."""
    waiting, oldest = session.execute(
        select(func.count(), func.min(SyncRequest.created_at)).where(SyncRequest.claimed_at.is_(None))
    ).one()
    return SyncQueue(waiting, oldest)


JOB_RUNS = table("job_runs", column("status"), column("queued_at", UTCDateTime()), column("started_at", UTCDateTime()))
WAITING_JOBS = ("queued", "retrying")


def has_table(session: Session, name: str) -> bool:
    return inspect(session.connection()).has_table(name)


@dataclass(frozen=True)
class JobQueue:
    waiting: int
    oldest: datetime | None
    last_start: datetime | None


def job_queue(session: Session) -> JobQueue | None:
    """The job engine's runs waiting to start (queued or retrying), the oldest's time and the last start;
    None on a database without the job engine's ``job_runs`` table (read by name, not through its model)."""
    if not has_table(session, "job_runs"):
        return None
    waiting, oldest, last_start = session.execute(
        select(
            func.count().filter(JOB_RUNS.c.status.in_(WAITING_JOBS)),
            func.min(JOB_RUNS.c.queued_at).filter(JOB_RUNS.c.status.in_(WAITING_JOBS)),
            func.max(JOB_RUNS.c.started_at),
        )
    ).one()
    return JobQueue(waiting, oldest, last_start)


def refresh_gauges(session: Session) -> None:
    """Set the sync lag and queue depth gauges from the database (called at each scrape)."""
    now = utcnow()
    for connection in connection_syncs(session):
        if connection.last_success is not None:
            set_sync_lag(connection.name, (now - connection.last_success).total_seconds())
    set_queue_depth("sync_requests", sync_request_queue(session).waiting)
    jobs = job_queue(session)
    if jobs is not None:
        set_queue_depth("jobs", jobs.waiting)
