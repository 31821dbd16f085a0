"""Opportunities: new business, renewals, upsells and cross-sells in the pipeline."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column

from acctgraph.models.base import Base, SyncedMixin, TimestampMixin, enum_type


class OpportunityKind(enum.StrEnum):
    NEW = "new"
    RENEWAL = "renewal"
    UPSELL = "upsell"
    CROSS_SELL = "cross_sell"


class ForecastCategory(enum.StrEnum):
    PIPELINE = "pipeline"
    BEST_CASE = "best_case"
    COMMIT = "commit"
    CLOSED = "closed"
    OMITTED = "omitted"


class OpportunityStatus(enum.StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


class Opportunity(SyncedMixin, TimestampMixin, Base):
    __tablename__ = "opportunities"
    __table_args__ = (CheckConstraint("probability BETWEEN 0 AND 100", name="probability_percent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[OpportunityKind] = mapped_column(enum_type(OpportunityKind))
    stage: Mapped[str] = mapped_column(String(120))
    status: Mapped[OpportunityStatus] = mapped_column(enum_type(OpportunityStatus), default=OpportunityStatus.OPEN)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    probability: Mapped[int] = mapped_column(default=10)
    expected_close_date: Mapped[date | None] = mapped_column(index=True)
    forecast_category: Mapped[ForecastCategory] = mapped_column(
        enum_type(ForecastCategory), default=ForecastCategory.PIPELINE
    )
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True, comment="Who works it now"
    )
    contract_id: Mapped[int | None] = mapped_column(
        ForeignKey("contracts.id", ondelete="SET NULL"), index=True, comment="The contract a renewal renews"
    )
    closed_at: Mapped[datetime | None]
    closed_on: Mapped[date | None] = mapped_column(index=True, comment="The day it was won or lost")
    owner_at_close_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True, comment="Who owned it when it closed"
    )
    close_reason: Mapped[str | None] = mapped_column(String(500))
    next_step: Mapped[str | None] = mapped_column(String(500), comment="What happens next, in the owner's words")
    churn_reason: Mapped[str | None] = mapped_column(
        String(60), comment="Why a renewal was lost or downsold: a key of ACCTGRAPH_CHURN_REASONS"
    )
    saved: Mapped[bool] = mapped_column(
        default=False,
        server_default=false(),
        comment="A renewal won although its account was at risk when the renewal opened",
    )
    version: Mapped[int] = mapped_column(default=1, server_default="1", comment="Optimistic concurrency")

    __mapper_args__ = {"version_id_col": version}
