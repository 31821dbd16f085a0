"""The signals health is computed from: invoices, support tickets, daily usage and NPS responses."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from acctgraph.models.base import Base, SyncedMixin, TimestampMixin, enum_type


class InvoiceStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    PAID = "paid"
    VOID = "void"
    UNCOLLECTIBLE = "uncollectible"


class TicketPriority(enum.StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class TicketStatus(enum.StrEnum):
    NEW = "new"
    OPEN = "open"
    PENDING = "pending"
    ON_HOLD = "on_hold"
    SOLVED = "solved"
    CLOSED = "closed"


class Satisfaction(enum.StrEnum):
    GOOD = "good"
    BAD = "bad"


class Invoice(SyncedMixin, TimestampMixin, Base):
    __tablename__ = "invoices"
    __table_args__ = (Index("ix_invoices_account_due", "account_id", "due_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id", ondelete="SET NULL"), index=True)
    number: Mapped[str] = mapped_column(String(120), unique=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    issued_on: Mapped[date]
    due_date: Mapped[date]
    paid_at: Mapped[datetime | None]
    status: Mapped[InvoiceStatus] = mapped_column(enum_type(InvoiceStatus), default=InvoiceStatus.OPEN)
    voided_at: Mapped[datetime | None] = mapped_column(
        comment="When it was voided (as the source says, else when a sync first saw it void); open before"
    )


class SupportTicket(SyncedMixin, TimestampMixin, Base):
    __tablename__ = "support_tickets"
    __table_args__ = (Index("ix_support_tickets_account_opened", "account_id", "opened_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    requester_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"), index=True)
    subject: Mapped[str] = mapped_column(String(500))
    priority: Mapped[TicketPriority] = mapped_column(enum_type(TicketPriority), default=TicketPriority.NORMAL)
    status: Mapped[TicketStatus] = mapped_column(enum_type(TicketStatus), default=TicketStatus.NEW)
    escalated: Mapped[bool] = mapped_column(default=False)
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    satisfaction: Mapped[Satisfaction | None] = mapped_column(enum_type(Satisfaction))


class UsageMetric(TimestampMixin, Base):
    """One day's aggregate of one product-usage metric for an account (e.g. active_users, api_calls)."""

    __tablename__ = "usage_metrics"
    __table_args__ = (UniqueConstraint("account_id", "metric", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    metric: Mapped[str] = mapped_column(String(120))
    day: Mapped[date]
    value: Mapped[float] = mapped_column(Float)


class NpsResponse(SyncedMixin, TimestampMixin, Base):
    __tablename__ = "nps_responses"
    __table_args__ = (
        CheckConstraint("score BETWEEN 0 AND 10", name="score_0_to_10"),
        Index("ix_nps_responses_account_responded", "account_id", "responded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"), index=True)
    score: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)
    responded_at: Mapped[datetime]
