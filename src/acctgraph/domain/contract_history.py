"""Contract status history: recording each contract's status changes, dated, and reading the status
a contract had on a past day.

Writers (sync, mutations, the demo) change ``contracts.status`` in place. Before health is computed
(and before a backtest), ``record_contract_status_changes`` compares every contract with its history
and appends what changed, dated the day it was first seen. A contract seen for the first time gets
the history its dates imply: active from its start date, then its end state (expired, renewed,
cancelled) from the day after it ended or the day it was seen, whichever is first; a draft is a
draft from the day it was seen. So a contract cancelled today was still in force on every earlier
day, and an unsigned draft renewal was never in force.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, func, insert, select
from sqlalchemy.orm import Session

from acctgraph.domain.health.measures import end_of_day
from acctgraph.models import Contract, ContractStatus, ContractStatusChange

NOT_IN_FORCE = (ContractStatus.DRAFT, ContractStatus.CANCELLED)
END_STATES = (ContractStatus.EXPIRED, ContractStatus.RENEWED, ContractStatus.CANCELLED)
SIGNED = (ContractStatus.ACTIVE, ContractStatus.EXPIRED, ContractStatus.RENEWED)


def initial_history(status: ContractStatus, start: date, end: date, seen_on: date) -> list[tuple[ContractStatus, date]]:
    """The history a contract first seen on ``seen_on`` with ``status`` is given (see the module doc)."""
    if status is ContractStatus.DRAFT:
        return [(ContractStatus.DRAFT, seen_on)]
    history = [(ContractStatus.ACTIVE, start)]
    if status in END_STATES:
        history.append((status, max(start, min(seen_on, end + timedelta(days=1)))))
    return history


def _latest_changes(as_of: date | None = None) -> Select[*tuple[Any, ...]]:
    """SELECT contract_id, status: each contract's latest recorded status (effective on or before ``as_of``)."""
    ranked = select(
        ContractStatusChange.contract_id,
        ContractStatusChange.status,
        func.row_number()
        .over(
            partition_by=ContractStatusChange.contract_id,
            order_by=(ContractStatusChange.effective_on.desc(), ContractStatusChange.id.desc()),
        )
        .label("rank"),
    )
    if as_of is not None:
        ranked = ranked.where(ContractStatusChange.effective_on <= as_of)
    latest = ranked.subquery()
    return select(latest.c.contract_id, latest.c.status).where(latest.c.rank == 1)


def record_contract_status_changes(session: Session, today: date) -> int:
    """Append the status changes of every contract since its history was last recorded; the rows added.

    Two reads and at most one bulk insert, whatever the number of contracts. Leaves the commit to the caller.
    """
    latest = _latest_changes().subquery()
    rows = session.execute(
        select(Contract.id, Contract.status, Contract.start_date, Contract.end_date, latest.c.status.label("recorded"))
        .outerjoin(latest, latest.c.contract_id == Contract.id)
        .where(latest.c.status.is_(None) | (latest.c.status != Contract.status))
        .order_by(Contract.id)
    ).all()
    changes: list[dict[str, Any]] = []
    for row in rows:
        history = (
            initial_history(row.status, row.start_date, row.end_date, today)
            if row.recorded is None
            else [(row.status, today)]
        )
        changes.extend({"contract_id": row.id, "status": s, "effective_on": day} for s, day in history)
    if changes:
        session.execute(insert(ContractStatusChange), changes)
    return len(changes)


def status_on(as_of: date) -> Select[*tuple[Any, ...]]:
    """SELECT contract_id, status: the status each contract had on ``as_of`` (contracts unknown then are absent)."""
    return _latest_changes(as_of)


def in_force_on(as_of: date) -> Select[*tuple[Any, ...]]:
    """SELECT contract_id of the contracts in force on ``as_of``: signed then (not a draft, not cancelled
    by then), started and not ended, and not deleted upstream by then."""
    status = status_on(as_of).subquery()
    return (
        select(Contract.id)
        .join(status, status.c.contract_id == Contract.id)
        .where(
            status.c.status.not_in(NOT_IN_FORCE),
            Contract.start_date <= as_of,
            Contract.end_date >= as_of,
            existed_on(Contract.deleted_at, as_of),
        )
    )


def ever_signed() -> Select[*tuple[Any, ...]]:
    """SELECT contract_id of contracts that were signed at some point (a draft never signed is absent)."""
    return select(ContractStatusChange.contract_id).where(ContractStatusChange.status.in_(SIGNED))


def existed_on(deleted_at: Any, as_of: date) -> Any:
    """A synced row still existed on ``as_of`` unless it was deleted upstream on or before that day."""
    return deleted_at.is_(None) | (deleted_at >= end_of_day(as_of))
