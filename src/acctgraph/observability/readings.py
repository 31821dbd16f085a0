"""Figures read from the database, shared by ``/metrics`` (at each scrape) and ``acctgraph doctor``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from acctgraph.models import Connection, SyncRequest, SyncRun, SyncRunStatus
from acctgraph.models.base import utcnow
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


def refresh_gauges(session: Session) -> None:
    """Set the sync lag and queue depth gauges from the database (called at each scrape)."""
    now = utcnow()
    for connection in connection_syncs(session):
        if connection.last_success is not None:
            set_sync_lag(connection.name, (now - connection.last_success).total_seconds())
    set_queue_depth("sync_requests", sync_request_queue(session).waiting)
