"""Contracts and their lines: what an account pays for, and so its MRR, ARR and renewal dates."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from acctgraph.models.base import Base, SyncedMixin, TimestampMixin, enum_type


class ContractStatus(enum.StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    RENEWED = "renewed"


class BillingPeriod(enum.StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUAL = "annual"


class Contract(SyncedMixin, TimestampMixin, Base):
    __tablename__ = "contracts"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="ends_after_start"),
        Index("ix_contracts_account_status_end", "account_id", "status", "end_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(120), unique=True)
    status: Mapped[ContractStatus] = mapped_column(enum_type(ContractStatus), default=ContractStatus.DRAFT)
    start_date: Mapped[date]
    end_date: Mapped[date]
    auto_renew: Mapped[bool] = mapped_column(default=False)
    notice_period_days: Mapped[int] = mapped_column(default=30)
    currency: Mapped[str] = mapped_column(String(3))
    billing_period: Mapped[BillingPeriod] = mapped_column(enum_type(BillingPeriod), default=BillingPeriod.ANNUAL)
    renewal_of_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id", ondelete="SET NULL"), index=True)
    churn_reason: Mapped[str | None] = mapped_column(
        String(60), comment="Why it was cancelled: a key of ACCTGRAPH_CHURN_REASONS"
    )
    churn_detail: Mapped[str | None] = mapped_column(String(500), comment="Why it was cancelled, in words")


class ContractLine(SyncedMixin, TimestampMixin, Base):
    """A product on a contract over a span of days; its MRR is quantity x unit price per month, in the
    contract's currency.

    Lines are effective-dated: a change of quantity or price closes the line (``effective_to``, the last
    day it applied) and opens another from the day of the change, so past MRR is never restated. Both
    bounds are inclusive; a null bound means the contract's own start or end.
    """

    __tablename__ = "contract_lines"
    __table_args__ = (
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        CheckConstraint("unit_price_minor >= 0", name="unit_price_not_negative"),
        CheckConstraint("effective_to >= effective_from", name="effective_to_after_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="RESTRICT"), index=True)
    quantity: Mapped[int] = mapped_column(default=1)
    unit_price_minor: Mapped[int] = mapped_column(comment="Price per unit per month, in minor units")
    effective_from: Mapped[date | None] = mapped_column(
        comment="First day this quantity and price applied; null: the contract's start"
    )
    effective_to: Mapped[date | None] = mapped_column(
        comment="Last day this quantity and price applied; null: until the contract ends"
    )
