"""Revenue metrics of a period and a scope: the MRR bridge, NRR, GRR, logo churn, a monthly series, renewal rates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from acctgraph.domain.revenue.movements import MrrMovements, load_mrr_history
from acctgraph.domain.revenue.period import Granularity, InvalidPeriod, Period
from acctgraph.domain.revenue.renewal_rates import RenewalRates, renewals_due
from acctgraph.domain.revenue.scope import Scope, account_ids, check_scope

MAX_MONTHS = 120
"""Ten years of monthly series: MRR is read at two days a month, in one statement of bounded size."""


@dataclass(frozen=True)
class RevenueMetrics:
    period: Period
    measured_through: date
    """The period's last day, or today while it runs: every figure is measured up to this day."""
    scope: Scope
    currency: str
    totals: MrrMovements
    months: list[MrrMovements]
    renewals: RenewalRates


def revenue_metrics(
    session: Session, period: Period, scope: Scope, reporting_currency: str, today: date
) -> RevenueMetrics:
    """The period's MRR movements and rates, and the same for each of its months, measured up to today.

    The period's movements compare its opening and closing MRR directly, so its NRR and GRR are those
    of the accounts paying at its start; the monthly series compares each month's ends. A period not
    yet over closes today, months that have not started are left out, and a period that has not
    started is refused (:class:`~acctgraph.domain.revenue.period.PeriodInFuture`).
    """
    check_scope(session, scope)
    through = period.measured_through(today)
    months = [month for month in period.buckets(Granularity.MONTH) if month.start <= through]
    if len(months) > MAX_MONTHS:
        raise InvalidPeriod(f"period {period.label} spans {len(months)} months; ask for at most {MAX_MONTHS}")
    days = [period.opening_day, through] + [day for m in months for day in (m.opening_day, min(m.end, through))]
    accounts = account_ids(scope, with_deleted=True)
    history = load_mrr_history(session, days, accounts, reporting_currency)
    return RevenueMetrics(
        period=period,
        measured_through=through,
        scope=scope,
        currency=reporting_currency,
        totals=history.movements(period, through),
        months=[history.movements(month, min(month.end, through)) for month in months],
        renewals=RenewalRates.of(renewals_due(session, period, accounts, history.rates)),
    )
