"""Loading a planned book into the database: all of it in one transaction, or nothing.

Re-running is a no-op rather than an upsert. The book is anchored to the day it was planned, so a
later run would move every date; upserting would rewrite the history the health engine and the
users have since built on (snapshots, alerts, edits). Each demo row's identity is recorded in
``external_refs`` under source ``demo`` within the same transaction, so any demo reference means a
complete book: its presence is what "already loaded" means. Usage days, activity attendees and
exchange rates have no id of their own and get no reference; they belong to referenced rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from sqlalchemy import Insert, Table, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from acctgraph.db import refresh_planner_statistics
from acctgraph.demo.plan import BookPlan, Formatted, PlannedRow, Ref
from acctgraph.models import Base, ExchangeRate, ExternalRef

SOURCE = "demo"
CHUNK_ROWS = 5_000

Progress = Callable[[str, int], None]
"""Called with a table name and how many of its rows were just inserted."""


class DemoConflict(Exception):
    """The database holds rows that clash with the demo book; nothing was written."""


@dataclass(frozen=True)
class LoadResult:
    already_loaded: bool
    accounts: int
    """The demo accounts now in the database."""
    inserted: dict[str, int]


def loaded_demo_accounts(session: Session) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(ExternalRef)
            .where(ExternalRef.source == SOURCE, ExternalRef.object_type == "account")
        )
        or 0
    )


def load_book(session: Session, plan: BookPlan, progress: Progress | None = None) -> LoadResult:
    """Insert ``plan`` and commit, unless demo data is already there; roll back entirely on a clash."""
    existing = loaded_demo_accounts(session)
    if existing:
        return LoadResult(already_loaded=True, accounts=existing, inserted={})
    run = _Load(session, progress or (lambda _table, _rows: None))
    try:
        inserted = {name: run.table(Base.metadata.tables[name], rows) for name, rows in plan.tables.items()}
        session.commit()
        refresh_planner_statistics(session)
    except IntegrityError as error:
        session.rollback()
        reason = str(error.orig).strip().splitlines()[0]
        raise DemoConflict(
            f"the database already holds rows that clash with the demo book ({reason}); nothing was loaded. "
            "Load the demo into an empty database, or it was just loaded by another run."
        ) from None
    except BaseException:
        session.rollback()
        raise
    return LoadResult(already_loaded=False, accounts=inserted.get("accounts", 0), inserted=inserted)


class _Load:
    """One load's state: the database id of every planned key, per table."""

    def __init__(self, session: Session, progress: Progress) -> None:
        self.session = session
        self.progress = progress
        self.ids: dict[str, dict[str, int]] = {}
        self.object_types = object_types()

    def table(self, table: Table, rows: Iterable[PlannedRow]) -> int:
        """Insert the rows in chunks; references to rows of the same table are set once all exist."""
        if table.name == ExchangeRate.__tablename__:
            rows = self._missing_rates(rows)
        self.ids[table.name] = {}
        later: list[tuple[str, str, Ref]] = []
        count = 0
        for chunk in _chunks(rows):
            values = [self._values(table, row, later) for row in chunk]
            if chunk[0].key is None:
                self.session.execute(_insert(table), values)
            else:
                self._insert_keyed(table, [row.key for row in chunk if row.key], values)
            count += len(chunk)
            self.progress(table.name, len(chunk))
        self._set_self_references(table, later)
        return count

    def _values(self, table: Table, row: PlannedRow, later: list[tuple[str, str, Ref]]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for column, value in row.values.items():
            if isinstance(value, Formatted):
                values[column] = value.template.format(self.ids[value.ref.table][value.ref.key])
            elif not isinstance(value, Ref):
                values[column] = value
            elif value.table == table.name:
                assert row.key is not None
                later.append((row.key, column, value))
                values[column] = None
            else:
                values[column] = self.ids[value.table][value.key]
        return values

    def _insert_keyed(self, table: Table, keys: list[str], values: list[dict[str, Any]]) -> None:
        ids = self.session.scalars(_insert(table).returning(table.c.id, sort_by_parameter_order=True), values).all()
        self.ids[table.name].update(zip(keys, ids, strict=True))
        object_type = self.object_types[table.name]
        refs = [
            {"source": SOURCE, "object_type": object_type, "external_id": key, "internal_id": row_id}
            for key, row_id in zip(keys, ids, strict=True)
        ]
        self.session.execute(_insert(Base.metadata.tables[ExternalRef.__tablename__]), refs)

    def _set_self_references(self, table: Table, later: list[tuple[str, str, Ref]]) -> None:
        ids = self.ids[table.name]
        for column in sorted({column for _, column, _ in later}):
            statement = update(table).where(table.c.id == bindparam("row_id")).values({column: bindparam("target_id")})
            params = [{"row_id": ids[key], "target_id": ids[ref.key]} for key, col, ref in later if col == column]
            self.session.execute(statement, params)

    def _missing_rates(self, rows: Iterable[PlannedRow]) -> list[PlannedRow]:
        """Rates for currencies without one: an administrator's rate is never overwritten."""
        known = set(self.session.scalars(select(ExchangeRate.currency)))
        return [row for row in rows if row.values["currency"] not in known]


def _insert(table: Table) -> Insert:
    """An INSERT stamping created_at/updated_at in SQL: the same for every row of a statement, and
    no per-row timestamp for the driver to convert (which dominated the load time of usage rows)."""
    if "created_at" not in table.c:
        return insert(table)
    return insert(table).values(created_at=func.current_timestamp(), updated_at=func.current_timestamp())


def _chunks(rows: Iterable[PlannedRow]) -> Iterator[list[PlannedRow]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, CHUNK_ROWS)):
        yield chunk


def object_types() -> dict[str, str]:
    """The ``external_refs.object_type`` of each table's rows: the model's name in snake case."""
    return {
        mapper.class_.__tablename__: re.sub(r"(?<!^)(?=[A-Z])", "_", mapper.class_.__name__).lower()
        for mapper in Base.registry.mappers
    }
