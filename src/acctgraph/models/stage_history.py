"""History of opportunities: every move through the pipeline and every edit of a forecast field, kept for
forecasting (slips and uplifts)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from acctgraph.models.base import Base, TimestampMixin


class StageChange(TimestampMixin, Base):
    __tablename__ = "opportunity_stage_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    from_stage: Mapped[str | None] = mapped_column(String(120))
    to_stage: Mapped[str] = mapped_column(String(120))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class OpportunityFieldChange(TimestampMixin, Base):
    """One edit of an opportunity's amount, close date, forecast category or next step: the value before and
    after, as text (amounts in minor units, dates ISO 8601)."""

    __tablename__ = "opportunity_field_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(40))
    before: Mapped[str | None] = mapped_column(String(500))
    after: Mapped[str | None] = mapped_column(String(500))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
