"""Declarative base, naming conventions and column types shared by every model."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, DateTime, Enum, MetaData, Table, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql import functions

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware, on SQLite as on PostgreSQL.

    On SQLite the value is text in one fixed-width form, ``2026-11-30 15:07:57.620221`` (always with
    microseconds), so text order is time order and equal instants are equal strings: keyset pagination
    compares them as text. Python values get it from SQLAlchemy's storage format, SQL values from the
    ``CURRENT_TIMESTAMP``/``now()`` rule below."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: acctgraph stores timezone-aware timestamps")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@compiles(functions.current_timestamp, "sqlite")
@compiles(functions.now, "sqlite")
def _sqlite_now(element: Any, compiler: Any, **kwargs: Any) -> str:
    """SQLite's own ``CURRENT_TIMESTAMP`` has no fraction of a second; ``%f`` gives milliseconds."""
    return "(strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')"


def enum_type(enum_class: type[enum.Enum]) -> Enum:
    """A portable enum column: its values stored as strings, checked by a named CHECK constraint."""
    return Enum(
        enum_class,
        name=enum_class.__name__.lower(),
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    # Every model maps a Table (never another FromClause), so say so to type checkers (SQLAlchemy's advice).
    __table__: ClassVar[Table]

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[Any]: JSON()}


class TimestampMixin:
    """created_at / updated_at on every table."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SyncedMixin:
    """Columns of entities a connector can bring in.

    ``extra`` keeps the source fields the canonical schema lacks; ``deleted_at`` marks a record deleted
    upstream, which is kept rather than hard-deleted.
    """

    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    deleted_at: Mapped[datetime | None]
