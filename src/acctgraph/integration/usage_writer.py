"""Usage metrics, keyed by (account, metric, day): no external ref per row, which keeps them cheap."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from acctgraph.integration.batches import Batch, BatchOutcome, update_rows
from acctgraph.integration.entity_specs import SPECS
from acctgraph.integration.records import CanonicalRecord, Entity

UsageKey = tuple[int, str, date]
"""(account id, metric, day): what identifies a usage row."""


def upsert_usage(batch: Batch, records: list[CanonicalRecord], resolved: dict[int, dict[str, Any]]) -> BatchOutcome:
    """Insert the new (account, metric, day) rows in one pass that skips those already held; only when
    some were held, read them back and update those whose value changed. A batch of new days (the usual
    case) costs one statement."""
    outcome = BatchOutcome(written=list(records))
    values: dict[UsageKey, float] = {}
    for record in records:
        account_id = resolved[id(record)]["account_id"]
        values[(account_id, record.metric, record.day)] = record.value  # type: ignore[attr-defined]
    inserted = _insert_new(batch, values)
    outcome.created = len(inserted)
    if len(inserted) == len(values):
        return outcome
    updates = []
    for key, row in _existing_usage(batch.session, list(values)).items():
        if row.id in inserted:
            continue
        if row.value != values[key]:
            updates.append({"id": row.id, "value": values[key], "updated_at": batch.now})
        else:
            outcome.unchanged += 1
    if updates:
        update_rows(batch.session, _USAGE, updates)
    outcome.updated = len(updates)
    return outcome


def _insert_new(batch: Batch, values: dict[UsageKey, float]) -> set[int]:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING the ids of the rows inserted (a row another process
    committed a moment ago is skipped too). With RETURNING, SQLAlchemy sends multi-row VALUES batches
    ("insertmanyvalues"), not one INSERT a row; the timestamps are set once a batch, not by a default
    called per row."""
    if not values:
        return set()
    stamps = {"created_at": batch.now, "updated_at": batch.now}
    rows = [
        {"account_id": key[0], "metric": key[1], "day": key[2], "value": value, **stamps}
        for key, value in values.items()
    ]
    dialect = postgresql if batch.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(_USAGE)
        .on_conflict_do_nothing(index_elements=["account_id", "metric", "day"])
        .returning(_USAGE.c.id)
    )
    return set(batch.session.scalars(statement, rows))


def _existing_usage(session: Session, keys: list[UsageKey]) -> dict[UsageKey, Any]:
    """The rows of these (account, metric, day) keys. Three plain IN lists compile far faster than a tuple
    IN; they may match a few extra rows (other combinations), which are dropped here."""
    accounts, metrics, days = (sorted({key[i] for key in keys}) for i in range(3))
    wanted = set(keys)
    rows = session.execute(_EXISTING_USAGE, {"accounts": accounts, "metrics": metrics, "days": days})
    return {key: row for row in rows if (key := (row.account_id, row.metric, row.day)) in wanted}


_USAGE = SPECS[Entity.USAGE_METRIC].table
_EXISTING_USAGE = select(_USAGE.c.id, _USAGE.c.account_id, _USAGE.c.metric, _USAGE.c.day, _USAGE.c.value).where(
    _USAGE.c.account_id.in_(bindparam("accounts", expanding=True)),
    _USAGE.c.metric.in_(bindparam("metrics", expanding=True)),
    _USAGE.c.day.in_(bindparam("days", expanding=True)),
)
