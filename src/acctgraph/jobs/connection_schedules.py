"""A connection's sync schedule: a ``job_schedules`` row named ``sync:CONNECTION`` running ``sync-connection``.

Shared by ``acctgraph connections add/update --schedule`` and the GraphQL data source mutations.
A new or changed schedule is due at once (the connection syncs on the next tick), then on its schedule.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from acctgraph.jobs.schedules import parse_schedule
from acctgraph.models import Connection, JobSchedule
from acctgraph.models.base import utcnow

SYNC_JOB = "sync-connection"


def connection_schedule(session: Session, connection: Connection) -> JobSchedule | None:
    return session.scalar(select(JobSchedule).where(JobSchedule.connection_id == connection.id))


def set_connection_schedule(session: Session, connection: Connection, text: str | None) -> JobSchedule | None:
    """Schedule the connection's sync (``text``: cron or interval), or stop scheduling it (None or "").

    Raises ``ScheduleError`` for a schedule that cannot be read; nothing is changed then."""
    existing = connection_schedule(session, connection)
    if not text:
        if existing is not None:
            session.delete(existing)
        return None
    schedule = parse_schedule(text)
    if existing is None:
        existing = JobSchedule(
            name=f"sync:{connection.name}", job=SYNC_JOB, connection_id=connection.id, schedule=schedule.text
        )
        session.add(existing)
    elif existing.schedule == schedule.text and existing.enabled:
        return existing
    existing.schedule = schedule.text
    existing.params = {"connection_id": connection.id}
    existing.enabled = True
    existing.next_run_at = utcnow()
    return existing
