"""The audit trail: one record per entity a mutation changed, written in the mutation's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from acctgraph.models.base import Base, utcnow


class AuditRecord(Base):
    __tablename__ = "audit_records"
    __table_args__ = (Index("ix_audit_records_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id", ondelete="SET NULL"))
    operation: Mapped[str] = mapped_column(String(120), comment="The GraphQL mutation, e.g. updateAccount")
    entity_type: Mapped[str] = mapped_column(String(60), comment="The table of the changed row")
    entity_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(16), comment="created, updated or deleted")
    changes: Mapped[dict[str, Any]] = mapped_column(comment='{"field": {"before": x, "after": y}}')
