"""Revenue bookkeeping: forecast snapshots, and the rule that a contract has one renewal opportunity."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from acctgraph.models.base import Base, TimestampMixin
from acctgraph.models.opportunities import Opportunity

RENEWAL_PER_CONTRACT = Index(
    "uq_opportunities_renewal_contract",
    Opportunity.__table__.c.contract_id,
    unique=True,
    sqlite_where=text("kind = 'renewal'"),
    postgresql_where=text("kind = 'renewal'"),
)
"""At most one renewal opportunity per contract, so automatic creation cannot duplicate, even racing."""


class ForecastSnapshot(TimestampMixin, Base):
    """An owner's forecast for a period as it stood when the period started, kept to measure accuracy.

    Amounts are in ``currency`` (the reporting currency when the snapshot was taken).
    """

    __tablename__ = "forecast_snapshots"
    __table_args__ = (UniqueConstraint("period_start", "period_end", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_start: Mapped[date]
    period_end: Mapped[date]
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    closed_won_minor: Mapped[int] = mapped_column(BigInteger)
    commit_minor: Mapped[int] = mapped_column(BigInteger)
    best_case_minor: Mapped[int] = mapped_column(BigInteger)
    pipeline_minor: Mapped[int] = mapped_column(BigInteger)
    weighted_minor: Mapped[int] = mapped_column(BigInteger)
    taken_at: Mapped[datetime]
