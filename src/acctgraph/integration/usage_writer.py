"""Usage metrics, keyed by (account, metric, day): no external ref per row, which keeps them cheap."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from acctgraph.integration.batches import Batch, BatchOutcome, update_rows
from acctgraph.integration.entity_specs import SPECS
from acctgraph.integration.records import CanonicalRecord, Entity


def upsert_usage(batch: Batch, records: list[CanonicalRecord], resolved: dict[int, dict[str, Any]]) -> BatchOutcome:
    """Usage metrics are keyed by (account, metric, day): no external ref per row, which keeps them cheap."""
    outcome = BatchOutcome(written=list(records))
    table = SPECS[Entity.USAGE_METRIC].table
    values = {}
    for record in records:
        account_id = resolved[id(record)]["account_id"]
        values[(account_id, record.metric, record.day)] = record.value  # type: ignore[attr-defined]
    existing = _existing_usage(batch.session, list(values)) if values else {}
    inserts = []
    updates = []
    stamps = {"created_at": batch.now, "updated_at": batch.now}  # once a batch, not a default called per row
    for key, value in values.items():
        row = existing.get(key)
        if row is None:
            inserts.append({"account_id": key[0], "metric": key[1], "day": key[2], "value": value, **stamps})
        elif row.value != value:
            updates.append({"id": row.id, "value": value, "updated_at": batch.now})
        else:
            outcome.unchanged += 1
    if inserts:
        # With RETURNING, SQLAlchemy sends multi-row VALUES batches ("insertmanyvalues"), not one INSERT a row.
        batch.session.execute(insert(table).returning(table.c.id), inserts)
    if updates:
        update_rows(batch.session, table, updates)
    outcome.created, outcome.updated = len(inserts), len(updates)
    return outcome


def _existing_usage(session: Session, keys: list[tuple[int, str, Any]]) -> dict[tuple[int, str, Any], Any]:
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
