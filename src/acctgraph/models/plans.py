"""Account plans: goals for an account and the initiatives that pursue them."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from acctgraph.models.base import Base, TimestampMixin, enum_type


class PlanItemKind(enum.StrEnum):
    GOAL = "goal"
    INITIATIVE = "initiative"


class PlanItemStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    AT_RISK = "at_risk"
    DONE = "done"
    DROPPED = "dropped"


class PlanItem(TimestampMixin, Base):
    """A goal (no parent) or an initiative (parent: its goal) of an account's plan."""

    __tablename__ = "plan_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("plan_items.id", ondelete="CASCADE"), index=True)
    kind: Mapped[PlanItemKind] = mapped_column(enum_type(PlanItemKind))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[PlanItemStatus] = mapped_column(enum_type(PlanItemStatus), default=PlanItemStatus.NOT_STARTED)
    due_on: Mapped[date | None]
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
