"""Connections, sync runs and the engine's bookkeeping: state, quarantine, rejections, identity mappings."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from acctgraph.models.base import Base, TimestampMixin, enum_type, utcnow


class SyncRunStatus(enum.StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    PARTIAL = "partial"
    FAILED = "failed"


class Connection(TimestampMixin, Base):
    """A named, configured instance of a connector. Secret fields hold ``{"env": VAR}`` or ``{"fernet": token}``,
    never the secret itself."""

    __tablename__ = "connections"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    connector: Mapped[str] = mapped_column(String(120))
    config: Mapped[dict[str, Any]] = mapped_column(default=dict)
    full_refresh_days: Mapped[int] = mapped_column(
        default=7, comment="Streams that cannot report deletes get a full refresh this often"
    )


class SyncRun(Base):
    __tablename__ = "sync_runs"
    __table_args__ = (Index("ix_sync_runs_connection_started", "connection_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    status: Mapped[SyncRunStatus] = mapped_column(enum_type(SyncRunStatus), default=SyncRunStatus.RUNNING)
    full_refresh: Mapped[bool] = mapped_column(default=False)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)

    streams: Mapped[list[SyncRunStream]] = relationship(
        back_populates="run", cascade="all, delete-orphan", lazy="selectin", order_by="SyncRunStream.id"
    )


class SyncRunStream(Base):
    """Per-stream counts of a run, updated in the same transaction as each batch they count."""

    __tablename__ = "sync_run_streams"
    __table_args__ = (UniqueConstraint("run_id", "stream"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("sync_runs.id", ondelete="CASCADE"))
    stream: Mapped[str] = mapped_column(String(120))
    full_refresh: Mapped[bool] = mapped_column(default=False)
    read: Mapped[int] = mapped_column(default=0)
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    deleted: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    quarantined: Mapped[int] = mapped_column(default=0)
    nested: Mapped[dict[str, Any]] = mapped_column(
        default=dict,
        server_default="{}",
        comment="Counts of the records nested in this stream's records (a contract's lines), by entity",
    )

    run: Mapped[SyncRun] = relationship(back_populates="streams", lazy="raise")


class SyncState(Base):
    """Where a stream resumes: committed with the records it covers. Small and bounded by design."""

    __tablename__ = "sync_states"

    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"), primary_key=True)
    stream: Mapped[str] = mapped_column(String(120), primary_key=True)
    cursor: Mapped[datetime | None]
    pending_cursor: Mapped[datetime | None] = mapped_column(comment="Highest cursor of the unfinished read")
    resume: Mapped[dict[str, Any]] = mapped_column(default=dict)
    full_refresh_generation: Mapped[int] = mapped_column(default=0)
    full_refresh_in_progress: Mapped[bool] = mapped_column(default=False)
    last_full_refresh_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SyncSighting(Base):
    """The full-refresh generation in which a synced record was last seen; rows not seen get soft-deleted."""

    __tablename__ = "sync_sightings"

    external_ref_id: Mapped[int] = mapped_column(ForeignKey("external_refs.id", ondelete="CASCADE"), primary_key=True)
    generation: Mapped[int]


class QuarantinedRecord(TimestampMixin, Base):
    """A valid record whose account (or another reference) is not known yet; applied once it is."""

    __tablename__ = "quarantined_records"
    __table_args__ = (UniqueConstraint("connection_id", "stream", "record_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    stream: Mapped[str] = mapped_column(String(120))
    entity: Mapped[str] = mapped_column(String(60))
    record_key: Mapped[str] = mapped_column(String(500))
    waiting_for: Mapped[str] = mapped_column(String(255), index=True, comment="The unresolved external id")
    payload: Mapped[dict[str, Any]]
    reason: Mapped[str] = mapped_column(Text)


class RejectedRecord(TimestampMixin, Base):
    """A record that failed validation, with the source payload and the precise reason."""

    __tablename__ = "rejected_records"
    __table_args__ = (UniqueConstraint("connection_id", "stream", "record_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("sync_runs.id", ondelete="SET NULL"), index=True)
    stream: Mapped[str] = mapped_column(String(120))
    record_key: Mapped[str] = mapped_column(String(500), comment="The external id, or where in the input")
    payload: Mapped[dict[str, Any]]
    reason: Mapped[str] = mapped_column(Text)


class IdentityMapping(TimestampMixin, Base):
    """An admin's decision: this connection's account ``external_id`` is that account."""

    __tablename__ = "identity_mappings"
    __table_args__ = (UniqueConstraint("connection_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(255))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
