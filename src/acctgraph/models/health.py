"""Daily health snapshots, written by the health engine, one per account and day."""

from __future__ import annotations

import enum
from datetime import date
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from acctgraph.models.base import Base, TimestampMixin, enum_type


class HealthBand(enum.StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


class HealthSnapshot(TimestampMixin, Base):
    """``measures`` is the scorecard's document: ``{"measures": [{"key", "label", "raw_value", "score",
    "weight", "explanation"}], "missing": [keys], "trend": score change over 30 days or null}``."""

    __tablename__ = "health_snapshots"
    __table_args__ = (
        UniqueConstraint("account_id", "day"),
        CheckConstraint("score BETWEEN 0 AND 100", name="score_0_to_100"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    day: Mapped[date]
    score: Mapped[int]
    band: Mapped[HealthBand] = mapped_column(enum_type(HealthBand))
    measures: Mapped[dict[str, Any]] = mapped_column(default=dict)
