"""Usage metrics, keyed by (account, metric, day): no external ref per row, which keeps them cheap."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any, cast

from sqlalchemy import CursorResult, Insert, Select, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from acctgraph.integration.batches import Batch, BatchOutcome, update_rows
from acctgraph.integration.entity_specs import SPECS
from acctgraph.integration.records import CanonicalRecord, Entity, UsageMetricRecord
from acctgraph.integration.value_lists import dialect_name, one_of

UsageKey = tuple[int, str, date]
"""(account id, metric, day): what identifies a usage row."""


def upsert_usage(batch: Batch, records: list[CanonicalRecord], resolved: dict[int, dict[str, Any]]) -> BatchOutcome:
    """Insert the new (account, metric, day) rows in one statement that skips those already held; only
    when some were held, read the batch's rows back and update those whose value changed. A batch of new
    days (the usual case) costs one statement."""
    outcome = BatchOutcome(written=list(records))
    rows: dict[UsageKey, dict[str, Any]] = {}
    for record in cast(list[UsageMetricRecord], records):
        key = (resolved[id(record)]["account_id"], record.metric, record.day)
        rows[key] = {"account_id": key[0], "metric": key[1], "day": key[2], "value": record.value}
    outcome.created = _insert_new(batch, list(rows.values()))
    if outcome.created == len(rows):
        return outcome
    # The rows just inserted hold their record's value, so only rows held before can differ.
    updates = [
        {"id": held.id, "value": rows[key]["value"], "updated_at": batch.now}
        for key, held in _existing_usage(batch.session, list(rows)).items()
        if held.value != rows[key]["value"]
    ]
    if updates:
        update_rows(batch.session, _USAGE, updates)
    outcome.updated = len(updates)
    outcome.unchanged = len(rows) - outcome.created - outcome.updated
    return outcome


def _insert_new(batch: Batch, rows: list[dict[str, Any]]) -> int:
    """INSERT ... ON CONFLICT DO NOTHING of the batch's rows, as one executemany; returns how many rows
    were new (the driver's row count: a row already held, or committed by another process a moment ago,
    is skipped and not counted). Without RETURNING the drivers run one prepared statement over all the
    rows (psycopg pipelines them), where RETURNING made SQLAlchemy send multi-row VALUES statements
    whose long text the driver parsed anew every batch. The timestamps are bound once a batch."""
    if not rows:
        return 0
    statement = _insert_skipping_held(dialect_name(batch.session)).values(
        created_at=batch.stamp(_USAGE.c.created_at), updated_at=batch.stamp(_USAGE.c.updated_at)
    )
    result = batch.session.execute(statement, rows)
    return cast(CursorResult[Any], result).rowcount


@cache
def _insert_skipping_held(dialect: str) -> Insert:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(_USAGE).on_conflict_do_nothing(index_elements=["account_id", "metric", "day"])
    return statement.execution_options(preserve_rowcount=True)  # SQLAlchemy keeps no INSERT's count unasked


def _existing_usage(session: Session, keys: list[UsageKey]) -> dict[UsageKey, Any]:
    """The rows of these (account, metric, day) keys. Three plain lists compile far faster than a tuple
    IN; they may match a few extra rows (other combinations), which are dropped here."""
    accounts, metrics, days = (sorted({key[i] for key in keys}) for i in range(3))
    wanted = set(keys)
    rows = session.execute(
        _existing_usage_query(dialect_name(session)), {"accounts": accounts, "metrics": metrics, "days": days}
    )
    return {key: row for row in rows if (key := (row.account_id, row.metric, row.day)) in wanted}


@cache
def _existing_usage_query(dialect: str) -> Select[Any]:
    columns = _USAGE.c
    return select(columns.id, columns.account_id, columns.metric, columns.day, columns.value).where(
        one_of(columns.account_id, "accounts", dialect),
        one_of(columns.metric, "metrics", dialect),
        one_of(columns.day, "days", dialect),
    )


_USAGE = SPECS[Entity.USAGE_METRIC].table
