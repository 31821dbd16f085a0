"""Monthly recurring revenue per account and day, from the contract lines in force that day.

The rules (docs/metrics.md, "MRR and ARR") in one place:

- A contract's ``end_date`` is the **last day of service, inclusive**. It counts on day d when
  ``start_date <= d <= end_date``, it was signed and not cancelled **on d**, it is not deleted, and
  no renewal of it (``renewal_of_id``) in force on d has started on or before d: a renewal that starts
  on or before the day its predecessor ends takes over from its first day, so a renewal chain is one
  continuous stream of revenue, never two at once.
- The status on d is the one the dated status history (:mod:`acctgraph.domain.contract_history`) had
  on d, so a past day's MRR does not change when a contract is cancelled or a renewal signed later: a
  contract cancelled today still counts on the days it was active, and a renewal still a draft on d
  neither counts nor takes over on d. Today (and later) it is the contract's current status (a change
  not yet recorded is dated today). A contract with no recorded history yet has the history
  ``initial_history`` would give it: in force on its past days unless it is a draft.
- A line counts on day d when its contract does and ``effective_from <= d <= effective_to`` (null
  bounds: the contract's own). Its MRR is quantity x unit price per month, in the contract's currency.
- An account deleted upstream keeps its history: it counts on the days before the day it was deleted.

Amounts are read here in each contract's own currency, per account and currency; conversion into the
reporting currency, at the rate in effect on each day, is :mod:`acctgraph.domain.revenue.money`'s job.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    and_,
    case,
    cast,
    exists,
    func,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from acctgraph.domain.money import currency_exponent, exponents_other_than_two
from acctgraph.models import Account, Contract, ContractLine, ContractStatus, ContractStatusChange, ExchangeRate

IN_FORCE_STATUSES = (ContractStatus.ACTIVE, ContractStatus.RENEWED, ContractStatus.EXPIRED, ContractStatus.CANCELLED)
"""Statuses of a contract that is or was in force: everything but a draft."""
SIGNED_STATUSES = (ContractStatus.ACTIVE, ContractStatus.RENEWED, ContractStatus.EXPIRED)
"""Statuses that say a contract was signed (a cancelled one was signed before it was cancelled)."""
NOT_IN_FORCE = (ContractStatus.DRAFT, ContractStatus.CANCELLED)
"""Statuses a contract does not count with on the day it has them (as in ``contract_history``)."""

NativeMrr = dict[str, int]
"""MRR per contract currency, in minor units of that currency."""


def signed_on(contract: type[Contract], as_of: date, today: date) -> ColumnElement[bool]:
    """The condition that ``contract`` (the model or an alias) was signed and not cancelled on ``as_of``:
    by its dated status history before ``today``, by its current status from ``today`` on."""
    if as_of >= today:
        return contract.status.not_in(NOT_IN_FORCE)
    recorded = (
        select(ContractStatusChange.status)
        .where(ContractStatusChange.contract_id == contract.id, ContractStatusChange.effective_on <= as_of)
        .order_by(ContractStatusChange.effective_on.desc(), ContractStatusChange.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    has_history = exists().where(ContractStatusChange.contract_id == contract.id)
    return case(
        (has_history, func.coalesce(recorded, ContractStatus.DRAFT.value).not_in([s.value for s in NOT_IN_FORCE])),
        else_=contract.status.in_(IN_FORCE_STATUSES),
    )


def contract_in_force(as_of: date, today: date | None = None) -> ColumnElement[bool]:
    """The condition that a contract counts towards MRR on ``as_of`` (see the module docstring);
    ``today`` defaults to ``as_of``."""
    today = as_of if today is None else today
    renewal = aliased(Contract)
    taken_over = exists().where(
        renewal.renewal_of_id == Contract.id,
        signed_on(renewal, as_of, today),
        renewal.deleted_at.is_(None),
        renewal.start_date <= as_of,
    )
    return and_(
        signed_on(Contract, as_of, today),
        Contract.start_date <= as_of,
        Contract.end_date >= as_of,
        Contract.deleted_at.is_(None),
        ~taken_over,
    )


def line_effective_on(as_of: date) -> ColumnElement[bool]:
    """The condition that ``as_of`` lies within a line's effective dates (null bounds: its contract's)."""
    return and_(
        or_(ContractLine.effective_from.is_(None), ContractLine.effective_from <= as_of),
        or_(ContractLine.effective_to.is_(None), ContractLine.effective_to >= as_of),
    )


def line_in_force(as_of: date) -> ColumnElement[bool]:
    """The condition that a line (of a contract in force) applies on ``as_of``."""
    return and_(ContractLine.deleted_at.is_(None), line_effective_on(as_of))


def account_existed(as_of: date) -> ColumnElement[bool]:
    """Not deleted upstream by the end of ``as_of``: deleted accounts keep the history before their deletion."""
    next_midnight = datetime.combine(as_of + timedelta(days=1), time.min, tzinfo=UTC)
    return or_(Account.deleted_at.is_(None), Account.deleted_at >= next_midnight)


def line_mrr() -> ColumnElement[Any]:
    """quantity x unit price per month, in minor units of the contract's currency."""
    return ContractLine.quantity * ContractLine.unit_price_minor


def native_mrr_on(as_of: date, today: date | None = None) -> Select[int, str, int]:
    """SELECT account_id, currency, mrr_minor: MRR on ``as_of`` per account and contract currency
    (``today`` defaults to ``as_of``)."""
    return (
        select(Contract.account_id, Contract.currency, func.sum(line_mrr()).label("mrr_minor"))
        .join(ContractLine, ContractLine.contract_id == Contract.id)
        .join(Account, Account.id == Contract.account_id)
        .where(contract_in_force(as_of, today), line_in_force(as_of), account_existed(as_of))
        .group_by(Contract.account_id, Contract.currency)
    )


def currencies_without_rate(as_of: date, reporting_currency: str) -> Select[str]:
    """SELECT the currencies of lines in force on ``as_of`` that have no rate in effect that day."""
    mrr = native_mrr_on(as_of).subquery()
    has_rate = exists().where(ExchangeRate.currency == mrr.c.currency, ExchangeRate.effective_from <= as_of)
    return select(mrr.c.currency).distinct().where(mrr.c.currency != reporting_currency, ~has_rate)


def native_mrr_by_day(
    session: Session, days: Iterable[date], accounts: Select[int] | None = None, *, today: date
) -> dict[date, dict[int, NativeMrr]]:
    """MRR per account and currency on each of ``days`` (only paying accounts), as known on ``today``, in
    one statement: a UNION ALL of :func:`native_mrr_on` per day, so the statement count does not grow
    with the accounts."""
    days = sorted(set(days))
    by_day: dict[date, dict[int, NativeMrr]] = {day: defaultdict(dict) for day in days}
    if not days:
        return by_day
    parts = []
    for index, day in enumerate(days):
        query = native_mrr_on(day, today)
        if accounts is not None:
            query = query.where(Contract.account_id.in_(accounts))
        mrr = query.subquery()
        parts.append(
            select(literal_column(str(index)).label("day_index"), mrr.c.account_id, mrr.c.currency, mrr.c.mrr_minor)
        )
    statement = parts[0] if len(parts) == 1 else union_all(*parts)
    for day_index, account_id, currency, mrr_minor in session.execute(statement):
        if mrr_minor:
            by_day[days[day_index]][account_id][currency] = int(mrr_minor)
    return {day: dict(accounts_mrr) for day, accounts_mrr in by_day.items()}


def first_revenue_days(session: Session, accounts: Select[int] | None = None) -> dict[int, date]:
    """The first day each account had MRR: revenue after a gap since then is reactivation, not new.

    The first day of a paying line is the latest of its contract's start, its own ``effective_from`` and
    the day its contract was first signed (by its dated status history: a contract signed after it
    started paid nothing before), if that day is within the line's and the contract's dates.
    """
    line_start = func.coalesce(ContractLine.effective_from, Contract.start_date)
    first_signed = (
        select(func.min(ContractStatusChange.effective_on))
        .where(ContractStatusChange.contract_id == Contract.id, ContractStatusChange.status.in_(SIGNED_STATUSES))
        .scalar_subquery()
    )
    first_day = _later(_later(line_start, Contract.start_date), func.coalesce(first_signed, Contract.start_date))
    query = (
        select(Contract.account_id, func.min(first_day))
        .join(ContractLine, ContractLine.contract_id == Contract.id)
        .where(
            Contract.status.in_(IN_FORCE_STATUSES),
            Contract.deleted_at.is_(None),
            ContractLine.deleted_at.is_(None),
            line_mrr() > 0,
            first_day <= Contract.end_date,
            first_day <= func.coalesce(ContractLine.effective_to, Contract.end_date),
        )
        .group_by(Contract.account_id)
    )
    if accounts is not None:
        query = query.where(Contract.account_id.in_(accounts))
    return {account_id: _as_date(day) for account_id, day in session.execute(query)}


def _later(
    first: ColumnElement[date], second: ColumnElement[date] | InstrumentedAttribute[date]
) -> ColumnElement[date]:
    """The later of two dates, portably (SQLite's max() of two arguments is PostgreSQL's greatest())."""
    return case((first > second, first), else_=second)


def _as_date(value: date | str) -> date:
    """SQLite returns an aggregate of a CASE over dates as text."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def rate_on(as_of: date) -> ColumnElement[Any]:
    """The rate of the contract's currency in effect on ``as_of`` (a correlated scalar subquery; NULL if none)."""
    return (
        select(ExchangeRate.rate)
        .where(ExchangeRate.currency == Contract.currency, ExchangeRate.effective_from <= as_of)
        .order_by(ExchangeRate.effective_from.desc())
        .limit(1)
        .scalar_subquery()
    )


def mrr_by_account(as_of: date, reporting_currency: str) -> Select[int, int]:
    """SELECT account_id, mrr_minor, converted in SQL, for filtering and ordering lists by MRR or ARR.

    The same formula as :meth:`acctgraph.domain.revenue.money.Rates.convert_mrr` (per currency, rounded,
    then added), but in the database's arithmetic (floating point on SQLite), so figures shown to people
    come from there; accounts with a currency lacking a rate are left out here and refused there.
    """
    scale = case(
        *(
            (Contract.currency == code, 10 ** (currency_exponent(reporting_currency) - exponent))
            for code, exponent in exponents_other_than_two().items()
        ),
        else_=10 ** (currency_exponent(reporting_currency) - 2),
    )
    rate = case((Contract.currency == reporting_currency, 1), else_=rate_on(as_of))
    per_currency = (
        select(
            Contract.account_id.label("account_id"),
            func.round(func.sum(line_mrr()) * rate * scale).label("mrr_minor"),
        )
        .join(ContractLine, ContractLine.contract_id == Contract.id)
        .join(Account, Account.id == Contract.account_id)
        .where(contract_in_force(as_of), line_in_force(as_of), account_existed(as_of))
        .group_by(Contract.account_id, Contract.currency)
        .subquery()
    )
    return (
        select(per_currency.c.account_id, cast(func.sum(per_currency.c.mrr_minor), BigInteger).label("mrr_minor"))
        .where(per_currency.c.mrr_minor.is_not(None))
        .group_by(per_currency.c.account_id)
    )
