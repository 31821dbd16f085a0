"""Revenue metrics of a period and a scope: the MRR bridge, NRR, GRR, logo churn, a monthly series, renewal rates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from acctgraph.domain.revenue.movements import MrrHistory, MrrMovements, load_mrr_history
from acctgraph.domain.revenue.period import Granularity, InvalidPeriod, Period
from acctgraph.domain.revenue.renewal_rates import RenewalRates, renewals_due
from acctgraph.domain.revenue.scope import (
    OwnersByDay,
    Scope,
    account_ids,
    accounts_ever_held,
    check_scope,
    owner_ids,
    owners_by_day,
)

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
    started is refused (:class:`~acctgraph.domain.revenue.period.PeriodInFuture`). An owner's or a team's
    figures keep the owner at the time (:mod:`acctgraph.domain.revenue.scope`).
    """
    check_scope(session, scope)
    through = period.measured_through(today)
    months = [month for month in period.buckets(Granularity.MONTH) if month.start <= through]
    if len(months) > MAX_MONTHS:
        raise InvalidPeriod(f"period {period.label} spans {len(months)} months; ask for at most {MAX_MONTHS}")
    days = [period.opening_day, through] + [day for m in months for day in (m.opening_day, min(m.end, through))]
    owners = owner_ids(scope)
    accounts = account_ids(scope, with_deleted=True) if owners is None else accounts_ever_held(owners)
    history = load_mrr_history(session, days, accounts, reporting_currency, today)
    window = _Windows(history, None if owners is None else owners_by_day(session, days, accounts), set())
    if owners is not None:
        window.members.update(session.scalars(owners))
    return RevenueMetrics(
        period=period,
        measured_through=through,
        scope=scope,
        currency=reporting_currency,
        totals=window.movements(period, through),
        months=[window.movements(month, min(month.end, through)) for month in months],
        renewals=RenewalRates.of(renewals_due(session, period, accounts, history.rates, owners)),
    )


@dataclass(frozen=True)
class _Windows:
    """The movements of windows of a scope: of every account, or of those its members held at the time."""

    history: MrrHistory
    owners: OwnersByDay | None
    members: set[int]

    def movements(self, period: Period, closing_day: date) -> MrrMovements:
        if self.owners is None:
            return self.history.movements(period, closing_day)
        paying = self.history.converted[period.opening_day].keys()
        held = self.owners.held(period.opening_day, closing_day, paying, self.members)
        return self.history.movements(period, closing_day, accounts=held)
