"""Playbook runs: a playbook (a template of tasks, configured in a file) started once per trigger on an account."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from acctgraph.models.base import Base, TimestampMixin


class PlaybookRun(TimestampMixin, Base):
    """One start of a playbook; ``trigger`` names what started it (``alert:42``, ``manual:2027-01-05``...),
    and the unique constraint keeps a rule that fires again from starting it twice."""

    __tablename__ = "playbook_runs"
    __table_args__ = (UniqueConstraint("playbook", "account_id", "trigger", name="uq_playbook_runs_trigger"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    playbook: Mapped[str] = mapped_column(String(80), comment="The playbook's key in the playbooks file")
    trigger: Mapped[str] = mapped_column(String(200))
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alerts.id", ondelete="SET NULL"), index=True)
    started_at: Mapped[datetime]
    started_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), comment="Who started it by hand; null for a rule"
    )
    closes_with_alert: Mapped[bool] = mapped_column(
        default=False, server_default=false(), comment="Its open tasks close when its alert resolves"
    )
