"""Revenue metrics of a period and a scope: the MRR bridge, NRR, GRR, logo churn, a monthly series, renewal rates."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from acctgraph.domain.revenue.money import Rates
from acctgraph.domain.revenue.movements import MrrMovements, load_mrr_history
from acctgraph.domain.revenue.period import Granularity, InvalidPeriod, Period
from acctgraph.domain.revenue.renewal_rates import RenewalRates, renewals_due
from acctgraph.domain.revenue.scope import Scope, account_ids, check_scope

MAX_MONTHS = 120
"""Ten years of monthly series: MRR is read at two days a month, in one statement of bounded size."""


@dataclass(frozen=True)
class RevenueMetrics:
    period: Period
    scope: Scope
    currency: str
    totals: MrrMovements
    months: list[MrrMovements]
    renewals: RenewalRates


def revenue_metrics(session: Session, period: Period, scope: Scope, reporting_currency: str) -> RevenueMetrics:
    """The period's MRR movements and rates, and the same for each of its months.

    The period's movements compare its opening and closing MRR directly, so its NRR and GRR are those
    of the accounts paying at its start; the monthly series compares each month's ends.
    """
    check_scope(session, scope)
    months = list(period.buckets(Granularity.MONTH))
    if len(months) > MAX_MONTHS:
        raise InvalidPeriod(f"period {period.label} spans {len(months)} months; ask for at most {MAX_MONTHS}")
    days = [period.opening_day, period.end] + [day for month in months for day in (month.opening_day, month.end)]
    accounts = account_ids(scope)
    history = load_mrr_history(session, days, accounts, reporting_currency)
    rates = Rates.load(session, reporting_currency)
    return RevenueMetrics(
        period=period,
        scope=scope,
        currency=reporting_currency,
        totals=history.movements(period),
        months=[history.movements(month) for month in months],
        renewals=RenewalRates.of(renewals_due(session, period, accounts, rates)),
    )
