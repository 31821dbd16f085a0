"""Tasks: the to-dos of an account's team, each with an owner, a due day and, optionally, what created it."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from acctgraph.models.base import Base, TimestampMixin, enum_type


class TaskStatus(enum.StrEnum):
    """OPEN until done or cancelled; SNOOZED hides it until ``snoozed_until``, when it is due again."""

    OPEN = "open"
    SNOOZED = "snoozed"
    DONE = "done"
    CANCELLED = "cancelled"


class TaskPriority(enum.StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Task(TimestampMixin, Base):
    """One task; at most one of the source columns (alert, QBR, playbook run, renewal, NPS response) says
    what created it, none for a task created by hand."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_owner_status_due", "owner_id", "status", "due_on"),
        Index("ix_tasks_account_status", "account_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), comment="Who must do it")
    title: Mapped[str] = mapped_column(String(300))
    notes: Mapped[str | None] = mapped_column(Text)
    due_on: Mapped[date]
    priority: Mapped[TaskPriority] = mapped_column(enum_type(TaskPriority), default=TaskPriority.NORMAL)
    status: Mapped[TaskStatus] = mapped_column(enum_type(TaskStatus), default=TaskStatus.OPEN)
    snoozed_until: Mapped[date | None] = mapped_column(comment="Snoozed: the day it is due again")
    outcome: Mapped[str | None] = mapped_column(Text, comment="What came of it, said when done or cancelled")
    closed_at: Mapped[datetime | None] = mapped_column(comment="When it was done or cancelled")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    alert_id: Mapped[int | None] = mapped_column(
        ForeignKey("alerts.id", ondelete="SET NULL"), index=True, comment="Source: the alert it answers"
    )
    qbr_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="SET NULL"), index=True, comment="Source: the QBR that agreed it"
    )
    playbook_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("playbook_runs.id", ondelete="SET NULL"), index=True, comment="Source: the playbook run"
    )
    opportunity_id: Mapped[int | None] = mapped_column(
        ForeignKey("opportunities.id", ondelete="SET NULL"), index=True, comment="Source: the renewal it works"
    )
    nps_response_id: Mapped[int | None] = mapped_column(
        ForeignKey("nps_responses.id", ondelete="SET NULL"), index=True, comment="Source: the NPS response"
    )
    version: Mapped[int] = mapped_column(default=1, server_default="1", comment="Optimistic concurrency")

    __mapper_args__ = {"version_id_col": version}
