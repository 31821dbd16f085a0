"""What subscriptions report, read by polling: alerts raised on a book, and how sync runs progress.

The API keeps no state between workers, so there is no in-process event bus: a subscription asks
these reads again every few seconds and reports what is new since its last look. Each read is one or
two statements, bounded by what happened in that interval.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from acctgraph.domain.actors import Actor
from acctgraph.domain.authorization import writable_owner_ids
from acctgraph.models import Account, Alert, SyncRun, SyncRunStatus

SYNC_RUN_COUNTS = ("read", "created", "updated", "unchanged", "deleted", "rejected", "quarantined")


def book_owner_ids(session: Session, actor: Actor) -> set[int] | None:
    """Owners of the accounts an actor follows: the book they write (admins: everyone, None; managers:
    their team; account managers: their own), and their own accounts in any role."""
    owners = writable_owner_ids(session, actor)
    return None if owners is None else owners | {actor.user_id}


def latest_alert_id(session: Session) -> int:
    """The id of the newest alert (0 when there is none): a subscription reports alerts after it."""
    return session.scalar(select(func.coalesce(func.max(Alert.id), 0))) or 0


def alerts_raised_after(session: Session, actor: Actor, after_id: int, limit: int = 100) -> list[Alert]:
    """Alerts with an id above ``after_id`` on accounts of the actor's book, oldest first."""
    statement = select(Alert).where(Alert.id > after_id).order_by(Alert.id).limit(limit)
    owners = book_owner_ids(session, actor)
    if owners is not None:
        statement = statement.join(Account, Account.id == Alert.account_id).where(Account.owner_id.in_(owners))
    return list(session.scalars(statement))


def sync_runs_active_since(session: Session, since: datetime, connection_id: int | None = None) -> list[SyncRun]:
    """Runs still running, or started or finished at or after ``since`` (with their stream counts)."""
    statement = (
        select(SyncRun)
        .where(
            or_(
                SyncRun.status == SyncRunStatus.RUNNING,
                SyncRun.started_at >= since,
                SyncRun.finished_at >= since,
            )
        )
        .order_by(SyncRun.id)
    )
    if connection_id is not None:
        statement = statement.where(SyncRun.connection_id == connection_id)
    return list(session.scalars(statement))


def sync_run_progress(run: SyncRun) -> Hashable:
    """What changes as a run progresses: its status, end, and every stream's counts."""
    counts = tuple((stream.stream, *(getattr(stream, name) for name in SYNC_RUN_COUNTS)) for stream in run.streams)
    return run.status, run.finished_at, run.error, counts
