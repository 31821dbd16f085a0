"""Per-measure health history and the account manager's own sentiment, the manual health measure.

Each measure's raw value and score are kept per account and day, next to the daily
``HealthSnapshot``, so a trend is read from history and never from an overwritten previous score.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from acctgraph.models.base import Base, SyncedMixin, TimestampMixin, enum_type
from acctgraph.models.contacts import Sentiment


class HealthMeasureScore(TimestampMixin, Base):
    """One measure's raw value and 0-100 score for one account on one day (measures with data only)."""

    __tablename__ = "health_measure_scores"
    __table_args__ = (
        UniqueConstraint("account_id", "day", "measure"),
        Index("ix_health_measure_scores_day_measure", "day", "measure"),
        CheckConstraint("score BETWEEN 0 AND 100", name="score_0_to_100"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    day: Mapped[date]
    measure: Mapped[str] = mapped_column(String(80))
    raw_value: Mapped[float] = mapped_column(Float)
    score: Mapped[int]
    weight: Mapped[float] = mapped_column(Float, comment="The weight after renormalisation over present measures")


class AccountSentiment(SyncedMixin, TimestampMixin, Base):
    """The account manager's judgement of an account, valid until ``valid_until``; stale afterwards.

    Recorded by the ``recordSentiment`` mutation or synced (``AccountSentimentRecord``)."""

    __tablename__ = "account_sentiments"
    __table_args__ = (
        Index("ix_account_sentiments_account_recorded", "account_id", "recorded_on"),
        CheckConstraint("valid_until >= recorded_on", name="valid_after_recorded"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    sentiment: Mapped[Sentiment] = mapped_column(enum_type(Sentiment))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_on: Mapped[date]
    valid_until: Mapped[date]
    recorded_at: Mapped[datetime | None]
