"""Ownership history of accounts: every transfer between account managers, with its reason.

A transfer dated in the future is pending (``applied_at`` null) until the daily
``apply_due_transfers`` applies it on its ``effective_on`` day.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, true
from sqlalchemy.orm import Mapped, mapped_column

from acctgraph.models.base import Base, TimestampMixin


class OwnershipChange(TimestampMixin, Base):
    __tablename__ = "ownership_changes"
    __table_args__ = (Index("ix_ownership_changes_pending", "applied_at", "effective_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    from_owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    to_owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    effective_on: Mapped[date]
    reason: Mapped[str] = mapped_column(String(500))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    moves_open_work: Mapped[bool] = mapped_column(
        default=True, server_default=true(), comment="Open opportunities and alerts follow the account"
    )
    applied_at: Mapped[datetime | None] = mapped_column(comment="When the account moved; null while pending")
