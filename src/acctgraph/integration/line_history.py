"""Contract line history: a change of quantity or price closes the line and opens another, never overwrites.

The synced row keeps its identity (its external ref, so the next sync finds it) and carries the new
quantity and price from the day of the change; a copy of its old values, closed the day before, keeps
the past. A line that disappears from its contract is closed the day before the sync that noticed it
(deleted outright only if it never took effect). So MRR on any past day stays what it was, and the
MRR bridge shows the expansion or contraction in the month it happened (docs/metrics.md).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Update, bindparam, insert, or_, select, update
from sqlalchemy.orm import Session

from acctgraph.models import ContractLine

PRICED = ("quantity", "unit_price_minor")
"""The columns whose change is a change of MRR, and so starts a new version of the line."""


def keep_line_history(session: Session, updates: list[dict[str, Any]], existing: dict[int, Any], today: date) -> None:
    """Before ``updates`` (rows of changed columns by id) are applied to contract lines, insert the closed
    version of each line whose quantity or price changes, or which comes back after it was closed, and
    date the new version.

    The change takes effect on the ``effective_from`` the record gives, if later than the line's, else
    on ``today`` (the day the sync saw it)."""
    history = []
    for changes in updates:
        row = existing[changes["id"]]
        reopened = row.effective_to is not None
        if not reopened and not any(column in changes for column in PRICED):
            continue
        starts = max(changes.get("effective_from") or today, row.effective_from or today)
        if reopened:
            history.append(_closed_copy(row, row.effective_to))
            starts = max(starts, row.effective_to + timedelta(days=1))
        elif row.effective_from is None or starts > row.effective_from:
            history.append(_closed_copy(row, starts - timedelta(days=1)))
        # else: changed again before it took effect, so the new values simply replace the old
        changes["effective_from"] = starts
        changes["effective_to"] = None
    if history:
        session.execute(insert(ContractLine), history)


def reopen_lines(session: Session, line_ids: Collection[int], today: date, now: datetime) -> None:
    """Reopen, from ``today``, the closed lines among ``line_ids``: a line that came back to its contract."""
    table = ContractLine.__table__
    rows = {
        row.id: row
        for row in session.execute(
            select(table).where(table.c.id.in_(list(line_ids)), table.c.effective_to.is_not(None))
        )
    }
    if not rows:
        return
    updates: list[dict[str, Any]] = [{"id": line_id} for line_id in rows]
    keep_line_history(session, updates, rows, today)
    session.execute(
        update(table)
        .where(table.c.id == bindparam("line_id"))
        .values(effective_from=bindparam("starts"), effective_to=None, updated_at=now),
        [{"line_id": changes["id"], "starts": changes["effective_from"]} for changes in updates],
    )


def _closed_copy(row: Any, last_day: date) -> dict[str, Any]:
    return {
        "contract_id": row.contract_id,
        "product_id": row.product_id,
        "quantity": row.quantity,
        "unit_price_minor": row.unit_price_minor,
        "extra": row.extra,
        "effective_from": row.effective_from,
        "effective_to": last_day,
    }


def close_removed_lines(session: Session, contract_id: int, kept: Collection[int], today: date, now: datetime) -> int:
    """Close the open lines of a contract that its latest version no longer has, and reopen the closed
    ones it has again; returns how many were closed (or deleted: lines that had not taken effect yet)."""
    reopen_lines(session, kept, today, now)
    table = ContractLine.__table__
    removed = (
        table.c.contract_id == contract_id,
        table.c.deleted_at.is_(None),
        table.c.effective_to.is_(None),
        table.c.id.not_in(list(kept)),
    )
    started = or_(table.c.effective_from.is_(None), table.c.effective_from < today)
    closed = update(table).where(*removed, started).values(effective_to=today - timedelta(days=1), updated_at=now)
    never_started = update(table).where(*removed, ~started).values(deleted_at=now, updated_at=now)
    return _rows_changed(session, closed) + _rows_changed(session, never_started)


def _rows_changed(session: Session, statement: Update) -> int:
    return cast(CursorResult[Any], session.execute(statement)).rowcount
