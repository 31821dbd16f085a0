"""Activities: calls, emails, meetings, QBRs, notes and tasks logged against an account."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from acctgraph.models.base import Base, SyncedMixin, TimestampMixin, enum_type


class ActivityKind(enum.StrEnum):
    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    QBR = "qbr"
    NOTE = "note"
    TASK = "task"


class ActivityStatus(enum.StrEnum):
    """Logged activities are done; a QBR can be scheduled first; a task is open until done."""

    SCHEDULED = "scheduled"
    OPEN = "open"
    DONE = "done"


activity_attendees = Table(
    "activity_attendees",
    Base.metadata,
    Column("activity_id", ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_id", ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Activity(SyncedMixin, TimestampMixin, Base):
    __tablename__ = "activities"
    __table_args__ = (Index("ix_activities_account_occurred", "account_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    kind: Mapped[ActivityKind] = mapped_column(enum_type(ActivityKind))
    occurred_at: Mapped[datetime]
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    status: Mapped[ActivityStatus] = mapped_column(
        enum_type(ActivityStatus), default=ActivityStatus.DONE, server_default=ActivityStatus.DONE.value
    )
    outcomes: Mapped[str | None] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column(comment="Tasks: when it is due")
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True, comment="Tasks: who must do it"
    )
    follow_up_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="SET NULL"), index=True, comment="Tasks: the QBR that set them"
    )
    version: Mapped[int] = mapped_column(default=1, server_default="1", comment="Optimistic concurrency")

    __mapper_args__ = {"version_id_col": version}
