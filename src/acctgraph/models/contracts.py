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


class ContractLine(SyncedMixin, TimestampMixin, Base):
    """A product on a contract; its MRR is quantity x unit price per month, in the contract's currency."""

    __tablename__ = "contract_lines"
    __table_args__ = (
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        CheckConstraint("unit_price_minor >= 0", name="unit_price_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="RESTRICT"), index=True)
    quantity: Mapped[int] = mapped_column(default=1)
    unit_price_minor: Mapped[int] = mapped_column(comment="Price per unit per month, in minor units")
