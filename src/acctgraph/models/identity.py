"""External identities: which record of which source system an internal row came from."""

from __future__ import annotations

from sqlalchemy import Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from acctgraph.models.base import Base, TimestampMixin


class ExternalRef(TimestampMixin, Base):
    """(source, object_type, external_id) -> internal id; one internal row per external record and source."""

    __tablename__ = "external_refs"
    __table_args__ = (
        UniqueConstraint("source", "object_type", "external_id"),
        Index("ix_external_refs_object_internal", "object_type", "internal_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(120), comment="The connection the record came from")
    object_type: Mapped[str] = mapped_column(String(60), comment="The canonical entity, e.g. account")
    external_id: Mapped[str] = mapped_column(String(255))
    internal_id: Mapped[int]
