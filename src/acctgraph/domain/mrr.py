"""Monthly recurring revenue per account, from its active contract lines, in the reporting currency.

MRR of a line = quantity x unit price per month; ARR = 12 x MRR. A contract counts on a day when the day
lies within [start_date, end_date] and it is or was in force: active, or since renewed, expired or
cancelled (a cancelled contract's end date is the day it stopped), so that MRR on a past day, which
retention metrics need, counts the contracts of that day. Drafts never count. Amounts in
another currency are converted through ``exchange_rates``; a contract in a currency without a rate is
left out of the converted totals and reported by ``currencies_without_rate`` rather than mixed in
unconverted.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, Integer, Select, and_, case, cast, func, literal, select
from sqlalchemy.orm import Session

from acctgraph.models import Contract, ContractLine, ContractStatus, ExchangeRate

IN_FORCE_STATUSES = (ContractStatus.ACTIVE, ContractStatus.RENEWED, ContractStatus.EXPIRED, ContractStatus.CANCELLED)


def contract_in_force(as_of: date) -> ColumnElement[bool]:
    """The condition that a contract counts towards MRR on ``as_of``."""
    return and_(
        Contract.status.in_(IN_FORCE_STATUSES),
        Contract.start_date <= as_of,
        Contract.end_date >= as_of,
        Contract.deleted_at.is_(None),
    )


def mrr_by_account(as_of: date, reporting_currency: str) -> Select[int, int]:
    """SELECT account_id, mrr_minor: the converted MRR of every account with revenue on ``as_of``."""
    rate = case((Contract.currency == reporting_currency, literal(1)), else_=ExchangeRate.rate)
    line_mrr = ContractLine.quantity * ContractLine.unit_price_minor * rate
    return (
        select(
            Contract.account_id.label("account_id"), cast(func.round(func.sum(line_mrr)), Integer).label("mrr_minor")
        )
        .join(ContractLine, ContractLine.contract_id == Contract.id)
        .outerjoin(ExchangeRate, ExchangeRate.currency == Contract.currency)
        .where(
            contract_in_force(as_of),
            ContractLine.deleted_at.is_(None),
            (Contract.currency == reporting_currency) | ExchangeRate.rate.is_not(None),
        )
        .group_by(Contract.account_id)
    )


def currencies_without_rate(session: Session, as_of: date, reporting_currency: str) -> list[str]:
    """Currencies of contracts in force that cannot be converted: set a rate for each."""
    rows = session.scalars(
        select(Contract.currency)
        .distinct()
        .outerjoin(ExchangeRate, ExchangeRate.currency == Contract.currency)
        .where(contract_in_force(as_of), Contract.currency != reporting_currency, ExchangeRate.rate.is_(None))
    )
    return sorted(rows)
