"""An account manager's book of business: what they own, how healthy it is and what renews soon."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from acctgraph.domain.account_facts import latest_health
from acctgraph.domain.mrr import NativeMrr, line_in_force, line_mrr, native_mrr_by_day
from acctgraph.domain.revenue.alerts import open_alert_count
from acctgraph.domain.revenue.money import Rates, converted_mrr
from acctgraph.domain.revenue.scope import Scope, account_ids, require_user
from acctgraph.models import Contract, ContractLine, ContractStatus, HealthBand, HealthSnapshot

RENEWAL_WINDOWS = (30, 60, 90)
AT_RISK_BANDS = (HealthBand.RED, HealthBand.YELLOW)
UNSCORED = "unscored"


@dataclass(frozen=True)
class Book:
    owner_id: int
    currency: str
    as_of: date
    account_count: int
    arr_minor: int
    arr_by_currency: dict[str, int]
    """ARR per contract currency, unconverted."""
    arr_by_band: dict[str, int]
    """ARR per latest health band, plus ``unscored`` for accounts without a health snapshot."""
    renewing_arr_minor: dict[int, int]
    """ARR of active contracts ending within 30, 60 and 90 days (each window includes the shorter)."""
    at_risk_arr_minor: int
    """ARR renewing within 90 days on accounts whose latest band is red or yellow."""
    open_alerts: int
    """Alerts on the owner's accounts not yet resolved (open or acknowledged)."""


def book(session: Session, owner_id: int, today: date, reporting_currency: str) -> Book:
    require_user(session, owner_id)
    accounts = account_ids(Scope.owner(owner_id))
    rates = Rates.load(session, reporting_currency)
    native = native_mrr_by_day(session, [today], accounts)[today]
    arr = {account: 12 * mrr for account, mrr in converted_mrr(rates, {today: native})[today].items()}
    bands = latest_bands(session, accounts)
    arr_by_band = dict.fromkeys([*HealthBand, UNSCORED], 0)
    for account_id, account_arr in arr.items():
        arr_by_band[bands.get(account_id, UNSCORED)] += account_arr
    renewing = _renewing(session, accounts, today, rates)
    return Book(
        owner_id=owner_id,
        currency=reporting_currency,
        as_of=today,
        account_count=session.scalar(select(func.count()).select_from(accounts.subquery())) or 0,
        arr_minor=sum(arr.values()),
        arr_by_currency=_arr_by_currency(native.values()),
        arr_by_band={str(band): amount for band, amount in arr_by_band.items()},
        renewing_arr_minor={
            days: sum(arr for _, end, arr in renewing if end <= today + timedelta(days=days))
            for days in RENEWAL_WINDOWS
        },
        at_risk_arr_minor=sum(arr for account_id, _, arr in renewing if bands.get(account_id) in AT_RISK_BANDS),
        open_alerts=open_alert_count(session, accounts),
    )


def latest_bands(session: Session, accounts: Select[int]) -> dict[int, HealthBand]:
    """The band of each account's most recent health snapshot."""
    health = latest_health().where(HealthSnapshot.account_id.in_(accounts))
    return {account_id: band for account_id, _score, band, _day in session.execute(health)}


def _arr_by_currency(accounts: Iterable[NativeMrr]) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for native in accounts:
        for currency, mrr in native.items():
            totals[currency] += 12 * mrr
    return dict(totals)


def _renewing(session: Session, accounts: Select[int], today: date, rates: Rates) -> list[tuple[int, date, int]]:
    """(account, end date, converted ARR) of each active contract ending within the longest window."""
    query = (
        select(Contract.account_id, Contract.end_date, Contract.currency, func.sum(line_mrr()))
        .join(ContractLine, ContractLine.contract_id == Contract.id)
        .where(
            Contract.status == ContractStatus.ACTIVE,
            Contract.deleted_at.is_(None),
            line_in_force(today),
            Contract.end_date.between(today, today + timedelta(days=max(RENEWAL_WINDOWS))),
            Contract.account_id.in_(accounts),
        )
        .group_by(Contract.id)
    )
    rows = session.execute(query).all()
    rates.require({currency for _, _, currency, _ in rows}, today)
    return [(account_id, end, rates.convert(12 * mrr, currency, today)) for account_id, end, currency, mrr in rows]
