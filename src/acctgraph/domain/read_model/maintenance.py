"""Keeping ``account_summaries`` right in the transaction that changes what they are computed from.

Every ORM write is seen by two session events registered on :class:`~sqlalchemy.orm.Session` (so on
every session of the process, the API's async ones included): ``after_flush`` notes the accounts a
flushed row belongs to (accounts, contracts, contract lines, health snapshots, alerts; an exchange rate
notes its currency), and ``before_commit`` recomputes those accounts' summaries, in the same
transaction, so a commit never leaves a stale summary behind. Bulk writes through ``session.execute``
(the sync engine's writers, the health engine, the demo loader) bypass the unit of work: a third event,
``do_orm_execute``, notes what they touch from their parameters, or reads it from the rows an UPDATE or
DELETE is about to change; rows inserted into ``accounts`` in bulk are found at commit as the accounts
without a summary. Writes on a bare connection are not seen: such a writer calls
:func:`~acctgraph.models.account_summaries.note_touched` or :func:`flush_touched` itself.

Summaries are computed as of today (UTC) in the process's reporting currency unless the session says
otherwise (:func:`summarise_as_of`, for jobs and tests that run on another day).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction
from sqlalchemy.sql.elements import BinaryExpression

from acctgraph.domain.read_model.summaries import (
    accounts_of_contracts,
    accounts_of_lines,
    accounts_with_currencies,
    accounts_without_summary,
    refresh_summaries_of,
)
from acctgraph.models import Account, Alert, Contract, ContractLine, ExchangeRate, HealthSnapshot
from acctgraph.models.account_summaries import TOUCHED, Touched, note_touched
from acctgraph.settings import get_settings

DAY = "account_summaries.day"
CURRENCY = "account_summaries.currency"
SWEEP = "account_summaries.sweep"
"""Set when accounts were inserted in bulk: the commit summarises every account without a summary."""

ACCOUNT_CHILDREN = (Alert, HealthSnapshot, Contract)
"""Rows whose ``account_id`` names the account whose summary they change."""


def summarise_as_of(session: Session, day: date | None = None, reporting_currency: str | None = None) -> None:
    """Make this session's summaries use ``day`` instead of today, and ``reporting_currency`` instead of
    the settings' (a job running for a given day; a test)."""
    if day is not None:
        session.info[DAY] = day
    if reporting_currency is not None:
        session.info[CURRENCY] = reporting_currency


def summary_session_info(reporting_currency: str) -> dict[str, Any]:
    """``Session.info`` for a session factory whose sessions keep summaries in ``reporting_currency``
    (the app passes its settings' currency, which may differ from the environment's)."""
    return {CURRENCY: reporting_currency}


def summary_day(session: Session) -> date:
    day = session.info.get(DAY)
    return day if isinstance(day, date) else datetime.now(UTC).date()


def summary_currency(session: Session) -> str:
    currency = session.info.get(CURRENCY)
    return currency if isinstance(currency, str) else get_settings().reporting_currency


def flush_touched(session: Session) -> int:
    """Recompute the summaries noted so far, now; the number of rows written."""
    session.flush()
    touched: Touched = session.info.pop(TOUCHED, None) or Touched()
    if session.info.pop(SWEEP, False):
        touched.accounts.update(session.scalars(accounts_without_summary()))
    if not touched:
        return 0
    accounts = touched.accounts | accounts_of_contracts(session, touched.contracts)
    accounts |= accounts_of_lines(session, touched.lines)
    accounts |= accounts_with_currencies(session, touched.currencies)
    return refresh_summaries_of(session, accounts, summary_day(session), summary_currency(session))


def _owners_of(row: Any, attribute: str) -> set[Any]:
    """The row's current value of ``attribute`` and, if the flush changed it, the previous one."""
    history = inspect(row).attrs[attribute].history
    values = {getattr(row, attribute), *history.deleted}
    return {value for value in values if value is not None}


@event.listens_for(Session, "after_flush")
def _note_flushed(session: Session, _flush_context: UOWTransaction) -> None:
    for row in (*session.new, *session.dirty, *session.deleted):
        if isinstance(row, Account):
            note_touched(session, accounts=[row.id])
        elif isinstance(row, ACCOUNT_CHILDREN):
            note_touched(session, accounts=_owners_of(row, "account_id"))
        elif isinstance(row, ContractLine):
            note_touched(session, contracts=_owners_of(row, "contract_id"))
        elif isinstance(row, ExchangeRate):
            note_touched(session, currencies=_owners_of(row, "currency"))


# Per table of a core write: the column naming what it touches, and what that column names.
KEY_COLUMNS = {
    Account.__tablename__: ("id", "accounts"),
    Contract.__tablename__: ("account_id", "accounts"),
    Alert.__tablename__: ("account_id", "accounts"),
    HealthSnapshot.__tablename__: ("account_id", "accounts"),
    ContractLine.__tablename__: ("contract_id", "contracts"),
    ExchangeRate.__tablename__: ("currency", "currencies"),
}


@event.listens_for(Session, "do_orm_execute")
def _note_core_write(state: ORMExecuteState) -> None:
    """INSERT/UPDATE/DELETE statements run through ``session.execute`` (bulk writes that bypass the unit of
    work): note what they touch from their parameters, or by reading the rows they are about to change."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    key = KEY_COLUMNS.get(getattr(table, "name", ""))
    if table is None or key is None:
        return
    column, kind = key
    parameters: Any = state.parameters
    rows: list[dict[str, Any]] = list(parameters) if isinstance(parameters, list) else [dict(parameters or {})]
    values: set[Any] = {row[column] for row in rows if row.get(column) is not None}
    if state.is_insert:
        if table.name == Account.__tablename__:
            state.session.info[SWEEP] = True  # new ids are not known before the INSERT runs
    else:
        values |= _keys_of_changed_rows(state, table, column, rows)
    if kind == "accounts":
        note_touched(state.session, accounts=values)
    elif kind == "contracts":
        note_touched(state.session, contracts=values)
    else:
        note_touched(state.session, currencies=values)


def _keys_of_changed_rows(state: ORMExecuteState, table: Any, column: str, rows: list[dict[str, Any]]) -> set[Any]:
    """``column`` of the rows an UPDATE/DELETE is about to change: by primary key for an executemany by id,
    else by its WHERE clause."""
    where = state.statement.whereclause  # type: ignore[attr-defined]
    by_id = {row["id"] for row in rows if "id" in row}
    if not by_id and isinstance(where, BinaryExpression) and getattr(where.left, "key", None) == "id":
        parameter = getattr(where.right, "key", None)
        by_id = {row[parameter] for row in rows if parameter in row}
    if by_id:
        found = select(table.c[column]).where(table.c.id.in_(sorted(by_id)))
        return set(state.session.scalars(found))
    if state.is_executemany:
        return set()  # an executemany not by id: only its parameters say what it touches
    found = select(table.c[column])
    if where is not None:
        found = found.where(where)
    return set(state.session.scalars(found, rows[0]))


@event.listens_for(Session, "before_commit")
def _refresh_before_commit(session: Session) -> None:
    if session.info.get(TOUCHED) or session.info.get(SWEEP) or session.new or session.dirty or session.deleted:
        flush_touched(session)


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session: Session, _previous_transaction: Any) -> None:
    session.info.pop(TOUCHED, None)
    session.info.pop(SWEEP, None)
