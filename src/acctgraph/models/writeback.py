"""The CRM write-back outbox: one row per change acctgraph owes a CRM, committed with the change itself."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from acctgraph.models.base import Base, TimestampMixin, enum_type, utcnow


class WritebackEntity(enum.StrEnum):
    """What is written: a logged activity, a completed QBR (with its next steps), a task."""

    ACTIVITY = "activity"
    QBR = "qbr"
    TASK = "task"


class WritebackStatus(enum.StrEnum):
    """PENDING until the CRM holds it (DELIVERED); FAILED after the retries ran out; REFUSED by the CRM."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    REFUSED = "refused"


class CrmWriteback(TimestampMixin, Base):
    """One change to write to one CRM connection; ``external_id`` is the CRM's id of what was written."""

    __tablename__ = "crm_writebacks"
    __table_args__ = (
        UniqueConstraint("entity", "entity_id", "connection_id"),
        Index("ix_crm_writebacks_status_next_attempt", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[WritebackEntity] = mapped_column(enum_type(WritebackEntity))
    entity_id: Mapped[int] = mapped_column(comment="The activity's or the task's id")
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    connection_id: Mapped[int] = mapped_column(
        ForeignKey("connections.id", ondelete="CASCADE"), index=True, comment="The CRM the account came from"
    )
    status: Mapped[WritebackStatus] = mapped_column(enum_type(WritebackStatus), default=WritebackStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    external_id: Mapped[str | None] = mapped_column(String(255), comment="The CRM's id of the written record")
    last_error: Mapped[str | None] = mapped_column(Text, comment="Why the last attempt failed, or the CRM's refusal")
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, comment="Not tried again before this")
    delivered_at: Mapped[datetime | None]
