"""Promotions: a campaign with an offer for a set of strategic accounts over a period, and its results."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from acctgraph.models.base import Base, TimestampMixin, enum_type


class PromotionOutcome(enum.StrEnum):
    PENDING = "pending"
    ENGAGED = "engaged"
    CONVERTED = "converted"
    DECLINED = "declined"


class Promotion(TimestampMixin, Base):
    __tablename__ = "promotions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    offer: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class PromotionTarget(TimestampMixin, Base):
    """A target account of a promotion and what came of it.

    ``promotion_key`` (the promotion's name, trimmed and lower-cased) and ``month`` (the first day of the
    month it starts in) are copied from the promotion so the database refuses the same promotion twice for
    an account in one month, however many promotions are created at once.
    """

    __tablename__ = "promotion_targets"
    __table_args__ = (
        UniqueConstraint("promotion_id", "account_id"),
        UniqueConstraint("promotion_key", "month", "account_id", name="uq_promotion_targets_once_a_month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    promotion_id: Mapped[int] = mapped_column(ForeignKey("promotions.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    promotion_key: Mapped[str] = mapped_column(String(300), comment="The promotion's name, trimmed, lower-cased")
    month: Mapped[date] = mapped_column(comment="First day of the month the promotion starts in")
    outcome: Mapped[PromotionOutcome] = mapped_column(enum_type(PromotionOutcome), default=PromotionOutcome.PENDING)
    revenue_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    currency: Mapped[str | None] = mapped_column(String(3))
    note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
