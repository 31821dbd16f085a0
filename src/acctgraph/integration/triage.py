"""Records that cannot be written yet (quarantined) or at all (rejected): kept with a precise reason.

Both tables are keyed by (connection, stream, record key), so reading the same record again replaces
its entry instead of adding one: a re-run never duplicates them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import to_jsonable_python
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from acctgraph.integration.batches import Batch, BatchOutcome, Waiting, record_key
from acctgraph.integration.records import RECORD_TYPES, Entity
from acctgraph.integration.writers import write_records
from acctgraph.models import QuarantinedRecord, RejectedRecord


@dataclass(frozen=True)
class Rejection:
    key: str
    payload: dict[str, Any]
    reason: str


def describe_validation_error(error: ValidationError, secret_fields: frozenset[str] = frozenset()) -> str:
    """``amount_minor: Input should be a valid integer (got 'abc')``, one clause per failing field.

    The input of a secret field is never repeated, nor that of an unknown field: it may be a secret
    under a mistyped name (``api_kye=sk_live_...``)."""
    parts = []
    for item in error.errors(include_url=False):
        where = ".".join(str(part) for part in item["loc"]) or "record"
        hidden = item["type"] in ("missing", "extra_forbidden") or bool(item["loc"] and item["loc"][0] in secret_fields)
        shown = not hidden
        given = f" (got {item['input']!r})" if shown else ""
        parts.append(f"{where}: {item['msg']}{given}")
    return "; ".join(parts)


def quarantine(batch: Batch, connection_id: int, stream: str, waiting: Sequence[Waiting]) -> None:
    rows = {
        record_key(item.record): {
            "connection_id": connection_id,
            "stream": stream,
            "entity": str(item.record.entity),
            "record_key": record_key(item.record),
            "waiting_for": item.waiting_for,
            "payload": to_jsonable_python(item.record.model_dump(exclude_unset=True)),
            "reason": item.reason,
        }
        for item in waiting
    }
    _replace(batch.session, QuarantinedRecord, connection_id, stream, list(rows.values()))


def reject(batch: Batch, connection_id: int, run_id: int, stream: str, rejections: Sequence[Rejection]) -> None:
    rows = {
        rejection.key: {
            "connection_id": connection_id,
            "run_id": run_id,
            "stream": stream,
            "record_key": rejection.key,
            "payload": to_jsonable_python(rejection.payload, fallback=str),
            "reason": rejection.reason,
        }
        for rejection in rejections
    }
    _replace(batch.session, RejectedRecord, connection_id, stream, list(rows.values()))


def forget(
    session: Session,
    model: type[QuarantinedRecord] | type[RejectedRecord],
    connection_id: int,
    stream: str,
    keys: Sequence[str],
) -> None:
    """Drop the entries of records that have now been written (or deleted upstream)."""
    if keys:
        session.execute(
            delete(model).where(
                model.connection_id == connection_id, model.stream == stream, model.record_key.in_(set(keys))
            )
        )


def _replace(
    session: Session,
    model: type[QuarantinedRecord] | type[RejectedRecord],
    connection_id: int,
    stream: str,
    rows: list[dict[str, Any]],
) -> None:
    if rows:
        forget(session, model, connection_id, stream, [row["record_key"] for row in rows])
        session.execute(insert(model), rows)


def _quarantined_chunks(session: Session, connection_id: int, size: int) -> Iterator[list[QuarantinedRecord]]:
    last_id = 0
    while True:
        chunk = session.scalars(
            select(QuarantinedRecord)
            .where(QuarantinedRecord.connection_id == connection_id, QuarantinedRecord.id > last_id)
            .order_by(QuarantinedRecord.id)
            .limit(size)
        ).all()
        if not chunk:
            return
        yield list(chunk)
        last_id = chunk[-1].id


def apply_quarantined(batch: Batch, connection_id: int, size: int = 500) -> BatchOutcome:
    """Write every quarantined record of the connection whose references now resolve; the rest stay.

    A record applied now may bring records of its own that wait in their turn (the lines nested in a
    contract, for a product not synced yet): those are quarantined under the same stream, never dropped,
    and listed in the outcome's ``nested``; its own ``waiting`` is empty (those records stay where they are)."""
    total = BatchOutcome()
    for chunk in _quarantined_chunks(batch.session, connection_id, size):
        for (entity, stream), entries in _group(chunk).items():
            records = [RECORD_TYPES[Entity(entity)].model_validate(entry.payload) for entry in entries]
            outcome = write_records(batch, Entity(entity), records)
            still_waiting = {record_key(item.record) for item in outcome.waiting}
            applied = [entry.record_key for entry in entries if entry.record_key not in still_waiting]
            forget(batch.session, QuarantinedRecord, connection_id, stream, applied)
            quarantine(batch, connection_id, stream, outcome.nested_waiting())
            outcome.waiting = []
            total.add(outcome)
    return total


def _group(entries: list[QuarantinedRecord]) -> dict[tuple[str, str], list[QuarantinedRecord]]:
    groups: dict[tuple[str, str], list[QuarantinedRecord]] = {}
    for entry in entries:
        groups.setdefault((entry.entity, entry.stream), []).append(entry)
    return groups
