"""Syncs asked for through the API, waiting for ``acctgraph sync worker`` to run them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from acctgraph.models.base import Base, TimestampMixin


class SyncRequest(TimestampMixin, Base):
    """A queued sync: the API stays stateless and quick, the worker does the long work."""

    __tablename__ = "sync_requests"
    __table_args__ = (Index("ix_sync_requests_pending", "claimed_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"), index=True)
    streams: Mapped[list[Any]] = mapped_column(default=list, comment="Stream names; empty for all")
    full_refresh: Mapped[bool] = mapped_column(default=False)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    claimed_at: Mapped[datetime | None] = mapped_column(comment="When a worker took it; null while waiting")
    sync_run_id: Mapped[int | None] = mapped_column(ForeignKey("sync_runs.id", ondelete="SET NULL"))
    error: Mapped[str | None] = mapped_column(Text, comment="Why the worker could not start the sync")
