"""Delivering the outbox: due rows are claimed, written by their CRM's writer, and marked with the outcome.

A row is claimed by a conditional UPDATE that pushes its next attempt a lease ahead, so two workers never
write the same row at once and a worker killed mid-write leaves it to be tried again after the lease.
No database transaction stays open while the CRM is called. The writer upserts by the row's
``writeback_key``, so a retry after an attempt that timed out (the CRM may have created the record)
updates that record instead of creating a second: the CRM's id is stored once it answers.

Outcomes: DELIVERED (the CRM's id kept); REFUSED (the CRM said no: its message kept, not retried);
a passing failure waits ``backoff(attempts)`` (1, 2, 4 ... minutes, at most 6 hours) and the row is
FAILED after ``MAX_ATTEMPTS``; wrong credentials or a vanished record fail at once.
``acctgraph writeback retry`` makes failed and refused rows due again.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import SecretStr
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, sessionmaker

from acctgraph.db import sync_sessionmaker
from acctgraph.integration.connections import ConnectionSetupError, Connectors, connector_and_config
from acctgraph.integration.connector import ConnectorConfig
from acctgraph.integration.errors import ConfigError, ConnectorError, RateLimited
from acctgraph.integration.plugins import connector_classes, plugin_manager
from acctgraph.integration.writeback.contract import CrmChange, CrmRefused, CrmWriter, NextStep
from acctgraph.integration.writeback.registry import crm_writers
from acctgraph.models import (
    Activity,
    Connection,
    CrmWriteback,
    ExternalRef,
    Task,
    TaskPriority,
    TaskStatus,
    User,
    WritebackEntity,
    WritebackStatus,
)
from acctgraph.models.base import utcnow
from acctgraph.settings import Settings

MAX_ATTEMPTS = 8
FIRST_BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=6)
LEASE = timedelta(minutes=10)
"""How long a claimed row is left to its worker before another may try it (longer than any write)."""


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 1 minute doubled each time, at most 6 hours."""
    return min(FIRST_BACKOFF * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


def writeback_key(entity: WritebackEntity, entity_id: int) -> str:
    """The idempotency key a writer upserts by: one per change, the same on every attempt."""
    return f"acctgraph-{entity.value}-{entity_id}"


@dataclass
class DeliveryReport:
    """What one delivery run did, by outcome."""

    delivered: int = 0
    refused: int = 0
    failed: int = 0
    retrying: int = 0

    @property
    def attempted(self) -> int:
        return self.delivered + self.refused + self.failed + self.retrying


class NotDeliverable(Exception):
    """The row cannot be delivered as it stands (its record is gone, or its CRM no longer writes it)."""


@dataclass(frozen=True)
class _Outcome:
    status: WritebackStatus
    external_id: str | None = None
    error: str | None = None
    next_attempt_at: datetime | None = None


def deliver_pending_writebacks(engine: Engine, settings: Settings, limit: int = 100) -> DeliveryReport:
    """Deliver up to ``limit`` due outbox rows (oldest due first); the job engine runs it periodically."""
    manager = plugin_manager(settings)
    writers = crm_writers(manager)
    connectors = Connectors(connector_classes(manager))
    sessions = sync_sessionmaker(engine)
    report = DeliveryReport()
    for row_id in _claim_due(sessions, limit):
        outcome = _attempt(sessions, row_id, writers, connectors, settings.secret_key)
        _record(sessions, row_id, outcome)
        setattr(report, _REPORTED[outcome.status], getattr(report, _REPORTED[outcome.status]) + 1)
    return report


_REPORTED = {
    WritebackStatus.DELIVERED: "delivered",
    WritebackStatus.REFUSED: "refused",
    WritebackStatus.FAILED: "failed",
    WritebackStatus.PENDING: "retrying",
}


def _claim_due(sessions: sessionmaker[Session], limit: int) -> list[int]:
    now = utcnow()
    with sessions() as session:
        due = session.scalars(
            select(CrmWriteback.id)
            .where(CrmWriteback.status == WritebackStatus.PENDING, CrmWriteback.next_attempt_at <= now)
            .order_by(CrmWriteback.next_attempt_at, CrmWriteback.id)
            .limit(limit)
        ).all()
        claimed = []
        for row_id in due:
            result = session.execute(
                update(CrmWriteback)
                .where(
                    CrmWriteback.id == row_id,
                    CrmWriteback.status == WritebackStatus.PENDING,
                    CrmWriteback.next_attempt_at <= now,
                )
                .values(next_attempt_at=now + LEASE, attempts=CrmWriteback.attempts + 1, updated_at=now)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount == 1:  # type: ignore[attr-defined]
                claimed.append(row_id)
        session.commit()
    return claimed


def _attempt(
    sessions: sessionmaker[Session],
    row_id: int,
    writers: Mapping[str, CrmWriter],
    connectors: Connectors,
    secret_key: SecretStr | None,
) -> _Outcome:
    with sessions() as session:
        row = session.get_one(CrmWriteback, row_id)
        attempts = row.attempts
        try:
            writer, config, change = _prepared(session, row, writers, connectors, secret_key)
        except (NotDeliverable, ConnectionSetupError) as error:
            return _Outcome(WritebackStatus.FAILED, error=str(error))
    try:
        return _Outcome(WritebackStatus.DELIVERED, external_id=writer.write(change, config))
    except CrmRefused as error:
        return _Outcome(WritebackStatus.REFUSED, error=str(error))
    except RateLimited as error:
        return _Outcome(WritebackStatus.PENDING, error=str(error), next_attempt_at=error.until)
    except ConfigError as error:
        return _Outcome(WritebackStatus.FAILED, error=f"{error}; fix the connection, then `acctgraph writeback retry`")
    except Exception as error:  # a passing failure, or a writer's bug: tried again later, never lost
        message = str(error) if isinstance(error, ConnectorError) else repr(error)
        if attempts >= MAX_ATTEMPTS:
            return _Outcome(WritebackStatus.FAILED, error=f"{message} (gave up after {attempts} attempts)")
        return _Outcome(WritebackStatus.PENDING, error=message, next_attempt_at=utcnow() + backoff(attempts))


def _prepared(
    session: Session,
    row: CrmWriteback,
    writers: Mapping[str, CrmWriter],
    connectors: Connectors,
    secret_key: SecretStr | None,
) -> tuple[CrmWriter, ConnectorConfig, CrmChange]:
    connection = session.get_one(Connection, row.connection_id)
    writer = writers.get(connection.connector)
    if writer is None or row.entity.value not in writer.writes:
        raise NotDeliverable(
            f"connector {connection.connector!r} of connection {connection.name!r} does not write "
            f"{row.entity.value} records back (is its plugin installed?)"
        )
    _connector, config = connector_and_config(connection, connectors, secret_key)
    return writer, config, crm_change(session, row, connection)


def crm_change(session: Session, row: CrmWriteback, connection: Connection) -> CrmChange:
    """The change as the writer receives it, read from the current rows."""
    account_ref = session.scalar(
        select(ExternalRef.external_id)
        .where(
            ExternalRef.source == connection.name,
            ExternalRef.object_type == "account",
            ExternalRef.internal_id == row.account_id,
        )
        .order_by(ExternalRef.id)
        .limit(1)
    )
    if account_ref is None:
        raise NotDeliverable(f"the account is no longer linked to a record of connection {connection.name!r}")
    key = writeback_key(row.entity, row.entity_id)
    if row.entity is WritebackEntity.TASK:
        return _task_change(session, row, key, account_ref)
    return _activity_change(session, row, key, account_ref)


def _email(session: Session, user_id: int | None) -> str | None:
    return None if user_id is None else session.scalar(select(User.email).where(User.id == user_id))


def _activity_change(session: Session, row: CrmWriteback, key: str, account_ref: str) -> CrmChange:
    activity = session.get(Activity, row.entity_id)
    if activity is None:
        raise NotDeliverable(f"activity {row.entity_id} no longer exists")
    steps: tuple[NextStep, ...] = ()
    if row.entity is WritebackEntity.QBR:
        tasks = session.execute(
            select(Task.title, Task.due_on, User.email)
            .outerjoin(User, User.id == Task.owner_id)
            .where(Task.qbr_id == activity.id)
            .order_by(Task.id)
        ).all()
        steps = tuple(NextStep(title, due_on, email) for title, due_on, email in tasks)
    return CrmChange(
        writeback_key=key,
        entity=row.entity.value,
        account_external_id=account_ref,
        subject=activity.subject,
        kind=activity.kind.value,
        body=activity.body,
        occurred_at=activity.occurred_at,
        outcomes=activity.outcomes,
        owner_email=_email(session, activity.author_id),
        next_steps=steps,
    )


def _task_change(session: Session, row: CrmWriteback, key: str, account_ref: str) -> CrmChange:
    task = session.get(Task, row.entity_id)
    if task is None:
        raise NotDeliverable(f"task {row.entity_id} no longer exists")
    return CrmChange(
        writeback_key=key,
        entity=row.entity.value,
        account_external_id=account_ref,
        subject=task.title,
        kind="task",
        body=task.notes,
        due_on=task.due_on,
        priority=(task.priority or TaskPriority.NORMAL).value,
        done=task.status is TaskStatus.DONE,
        owner_email=_email(session, task.owner_id),
    )


def _record(sessions: sessionmaker[Session], row_id: int, outcome: _Outcome) -> None:
    now = utcnow()
    with sessions() as session:
        row = session.get_one(CrmWriteback, row_id)
        row.status = outcome.status
        row.last_error = outcome.error
        if outcome.external_id is not None:
            row.external_id = outcome.external_id
            row.delivered_at = now
            _link_written_activity(session, row, outcome.external_id)
        row.next_attempt_at = outcome.next_attempt_at or now
        session.commit()


def _link_written_activity(session: Session, row: CrmWriteback, external_id: str) -> None:
    """Record that the CRM's record *is* the activity, so the next sync of that CRM updates the activity
    instead of bringing the written record in as a second one."""
    if row.entity is WritebackEntity.TASK:
        return  # acctgraph's tasks are not activities; a CRM task synced back stays a task activity
    source = session.scalar(select(Connection.name).where(Connection.id == row.connection_id))
    known = session.scalar(
        select(ExternalRef.id).where(
            ExternalRef.source == source, ExternalRef.object_type == "activity", ExternalRef.external_id == external_id
        )
    )
    if source is not None and known is None:
        session.add(
            ExternalRef(source=source, object_type="activity", external_id=external_id, internal_id=row.entity_id)
        )


def retry_writebacks(
    session: Session,
    ids: Collection[int] = (),
    statuses: Collection[WritebackStatus] = (WritebackStatus.FAILED,),
) -> int:
    """Make failed (or refused, when asked) rows due now, attempts reset; ``ids`` limits it to those rows.
    Returns how many; the caller commits."""
    query = update(CrmWriteback).where(CrmWriteback.status.in_(list(statuses)))
    if ids:
        query = query.where(CrmWriteback.id.in_(list(ids)))
    result = session.execute(
        query.values(
            status=WritebackStatus.PENDING, attempts=0, next_attempt_at=utcnow(), updated_at=utcnow()
        ).execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def list_writebacks(
    session: Session, statuses: Collection[WritebackStatus] = (), limit: int = 50
) -> list[tuple[CrmWriteback, str]]:
    """The most recent outbox rows (of ``statuses``, all when empty) with their connection's name."""
    query = select(CrmWriteback, Connection.name).join(Connection, Connection.id == CrmWriteback.connection_id)
    if statuses:
        query = query.where(CrmWriteback.status.in_(list(statuses)))
    rows = session.execute(query.order_by(CrmWriteback.id.desc()).limit(limit)).all()
    return [(row, name) for row, name in rows]
