"""What one batch write shares: where it runs, what it came to, and the bulk UPDATE every writer uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import BindParameter, Column, ColumnElement, CursorResult, Table, TypeDecorator, bindparam, update
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from acctgraph.integration.identity import Source
from acctgraph.integration.records import CanonicalRecord


@dataclass
class Waiting:
    """A record held back because a required reference is not known yet."""

    record: CanonicalRecord
    waiting_for: str
    reason: str


COUNTS = ("created", "updated", "unchanged", "deleted", "quarantined")
"""What a batch counts of each entity it writes (a run's counts are their sums)."""


@dataclass
class BatchOutcome:
    """What writing a batch came to. Records nested in the batch's records (a contract's lines) are
    counted apart, under their entity in ``nested``, so a stream's counts are of its own records."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    waiting: list[Waiting] = field(default_factory=list)
    written: list[CanonicalRecord] = field(default_factory=list)
    nested: dict[str, BatchOutcome] = field(default_factory=dict)

    @property
    def quarantined(self) -> int:
        return len(self.waiting)

    def add(self, other: BatchOutcome) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.deleted += other.deleted
        self.waiting += other.waiting
        self.written += other.written
        for entity, outcome in other.nested.items():
            self.nested.setdefault(entity, BatchOutcome()).add(outcome)

    def nested_waiting(self) -> list[Waiting]:
        return [item for outcome in self.nested.values() for item in outcome.waiting]

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in COUNTS}


@dataclass
class Batch:
    """Everything one batch write needs to know about where it runs."""

    session: Session
    source: Source
    now: datetime

    def stamp(self, column: Column[datetime]) -> BindParameter[Any]:
        """``now`` for the timestamp ``column``, converted to its stored form once for the batch (see
        ``bound_as_stored``): two timestamps a row cost as much as the rest of a usage row's values."""
        return bound_as_stored(column, self.now, self.session.get_bind().dialect)


def bound_as_stored(column: Column[Any], value: Any, dialect: Dialect) -> BindParameter[Any]:
    """``value`` for ``column``, converted here, once, to the form the driver takes, and bound as it is:
    a statement sent for many rows would otherwise have the column's type convert it again for each row."""
    convert = column.type.dialect_impl(dialect).bind_processor(dialect)
    return bindparam(f"stored_{column.name}", convert(value) if convert else value, type_=_AsStored())


class _AsStored(TypeDecorator[Any]):
    """A value already in the form the driver takes (see ``bound_as_stored``): bound untouched."""

    impl = NullType
    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> None:
        return None


def record_key(record: CanonicalRecord) -> str:
    return ":".join(str(value) for value in record.key())


def bumped(table: Table, **values: Any) -> dict[str, Any]:
    """The values, plus a bump of the optimistic-concurrency ``version`` where the table has one, so an
    API client holding the old version learns that a sync changed the row."""
    return {**values, "version": table.c.version + 1} if "version" in table.c else values


def soft_delete(batch: Batch, table: Table, condition: ColumnElement[bool], deleted_at: datetime | None = None) -> int:
    """Mark the live rows matching ``condition`` deleted (kept, hidden, never dropped); returns how many."""
    result = batch.session.execute(
        update(table)
        .where(condition, table.c.deleted_at.is_(None))
        .values(bumped(table, deleted_at=deleted_at or batch.now, updated_at=batch.now))
    )
    return cast(CursorResult[Any], result).rowcount


def update_rows(session: Session, table: Table, rows: list[dict[str, Any]], bump: bool = True) -> None:
    """UPDATE by primary key, one executemany per set of changed columns (rows carry ``id``)."""
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        by_columns.setdefault(tuple(sorted(key for key in row if key != "id")), []).append(row)
    for columns, group in by_columns.items():
        statement = (
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values(**{column: bindparam(f"new_{column}") for column in columns})
        )
        statement = statement.values(bumped(table)) if bump else statement
        session.execute(statement, [{"row_id": row["id"], **{f"new_{c}": row[c] for c in columns}} for row in group])
