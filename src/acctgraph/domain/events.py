"""Domain events in an outbox: ``publish`` adds one to the session of the change that caused it.

The event is committed with that change or rolled back with it, so none is lost and none is sent for a
change that did not happen. The relay (``acctgraph.notifications.relay``) later hands each committed
event to the ``event_published`` hook, the subscribed webhook endpoints and the owners' channels.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from acctgraph.models import Event


class EventType(enum.StrEnum):
    ALERT_RAISED = "alert.raised"
    ALERT_RESOLVED = "alert.resolved"
    ACCOUNT_TRANSFERRED = "account.transferred"
    RENEWAL_CREATED = "renewal.created"
    TASK_CREATED = "task.created"
    TASK_COMPLETED = "task.completed"
    SYNC_FINISHED = "sync.finished"
    SYNC_FAILED = "sync.failed"
    HEALTH_BAND_CHANGED = "health.band_changed"


EVENT_TYPES: tuple[str, ...] = tuple(member.value for member in EventType)


@dataclass(frozen=True)
class PublishedEvent:
    """What the ``event_published`` hook receives: a plain copy, so plugins never touch our models."""

    id: str
    type: str
    occurred_at: datetime
    payload: dict[str, Any]

    def body(self) -> dict[str, Any]:
        """The JSON document webhooks carry: ``{"type", "timestamp", "data"}`` (Standard Webhooks' shape)."""
        return {"type": self.type, "timestamp": self.occurred_at.isoformat(), "data": self.payload}


def plain(value: Any) -> Any:
    """A JSON-safe form of a payload value (enums by value, dates in ISO form, decimals as text)."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def publish(session: Session, type: EventType, payload: dict[str, Any]) -> Event:
    """Add an event to ``session``; it is committed (or rolled back) with the caller's transaction."""
    event = Event(uid=f"evt_{uuid.uuid4().hex}", type=type.value, payload=plain(payload))
    session.add(event)
    return event


def published(event: Event) -> PublishedEvent:
    return PublishedEvent(id=event.uid, type=event.type, occurred_at=event.occurred_at, payload=event.payload)
