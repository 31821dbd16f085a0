"""The outbox of domain events, the webhook endpoints subscribed to them, their deliveries, and each user's
notification channels."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column

from acctgraph.models.base import Base, TimestampMixin, enum_type, utcnow


class Event(Base):
    """One thing that happened, written in the same transaction as the change that caused it (an outbox):
    a rolled-back change leaves no event, a committed one always has its event. ``dispatched_at`` is set
    when the relay has handed it to plugins, webhook endpoints and notification channels."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_undispatched", "dispatched_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(40), unique=True, comment="The webhook-id receivers deduplicate on")
    type: Mapped[str] = mapped_column(String(60), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(comment="When the relay handed it on; null: waiting")


class WebhookEndpoint(TimestampMixin, Base):
    """A URL an admin subscribed to event types; disabled (with the reason) after failing too often."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(500), default="")
    event_types: Mapped[list[Any]] = mapped_column(default=list, comment="Event types sent; empty: every type")
    signing_key: Mapped[str] = mapped_column(String(100), comment="whsec_ + base64 of the HMAC key")
    active: Mapped[bool] = mapped_column(default=True)
    disabled_reason: Mapped[str | None] = mapped_column(Text, comment="Why it was disabled automatically")
    consecutive_failures: Mapped[int] = mapped_column(default=0, server_default="0")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1, server_default="1", comment="Optimistic concurrency")

    __mapper_args__ = {"version_id_col": version}


class DeliveryStatus(enum.StrEnum):
    """PENDING until the endpoint answers 2xx (DELIVERED) or the attempts run out (FAILED)."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class WebhookDelivery(TimestampMixin, Base):
    """One event to one endpoint: at most one row per pair, so an event is delivered once per endpoint."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("endpoint_id", "event_id"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_endpoint", "endpoint_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    status: Mapped[DeliveryStatus] = mapped_column(enum_type(DeliveryStatus), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(comment="When it is tried next; null once settled")
    last_attempt_at: Mapped[datetime | None]
    response_code: Mapped[int | None] = mapped_column(comment="The HTTP status of the last attempt")
    error: Mapped[str | None] = mapped_column(Text, comment="Why the last attempt failed")
    delivered_at: Mapped[datetime | None]


class NotificationSettings(TimestampMixin, Base):
    """Where a user hears about their book: their alerts as they are raised, and a daily digest."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    email_enabled: Mapped[bool] = mapped_column(default=False, server_default=false())
    slack_enabled: Mapped[bool] = mapped_column(default=False, server_default=false())
    slack_webhook_url: Mapped[str | None] = mapped_column(String(2000))
    alerts_enabled: Mapped[bool] = mapped_column(
        default=True, server_default=true(), comment="Send each alert of the user's book as it is raised"
    )
    digest_enabled: Mapped[bool] = mapped_column(
        default=False, server_default=false(), comment="Send a daily digest of the user's book"
    )

    @property
    def id(self) -> int:
        """The user's id: the audit trail names every row by ``id``."""
        return self.user_id
