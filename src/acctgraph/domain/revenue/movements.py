"""MRR movements between two days: new, expansion, contraction, churn, reactivation, and the rates built on them.

Each account's MRR at the opening day (the day before the period) is compared with its MRR at the
closing day (the period's last day); formulas and choices are in docs/metrics.md.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, literal_column, select, union_all
from sqlalchemy.orm import Session

from acctgraph.domain.mrr import IN_FORCE_STATUSES, mrr_by_account
from acctgraph.domain.revenue.money import require_mrr_rates
from acctgraph.domain.revenue.period import Period
from acctgraph.models import Contract, ContractLine


def ratio(numerator: int, denominator: int) -> float | None:
    """numerator / denominator to four places, or None when there is nothing to divide by."""
    return round(numerator / denominator, 4) if denominator else None


@dataclass(frozen=True)
class MrrMovements:
    """The MRR bridge of a period: starting + new + reactivation + expansion - contraction - churned = ending."""

    period: Period
    starting_mrr_minor: int = 0
    new_minor: int = 0
    expansion_minor: int = 0
    contraction_minor: int = 0
    churned_minor: int = 0
    reactivation_minor: int = 0
    ending_mrr_minor: int = 0
    accounts_at_start: int = 0
    accounts_churned: int = 0

    @property
    def nrr(self) -> float | None:
        """Net revenue retention: (start + expansion - contraction - churn) / start."""
        retained = self.starting_mrr_minor + self.expansion_minor - self.contraction_minor - self.churned_minor
        return ratio(retained, self.starting_mrr_minor)

    @property
    def grr(self) -> float | None:
        """Gross revenue retention: (start - contraction - churn) / start."""
        return ratio(self.starting_mrr_minor - self.contraction_minor - self.churned_minor, self.starting_mrr_minor)

    @property
    def logo_churn_rate(self) -> float | None:
        """Accounts lost / accounts paying at the start."""
        return ratio(self.accounts_churned, self.accounts_at_start)


def classify(
    period: Period, opening: Mapping[int, int], closing: Mapping[int, int], first_revenue: Mapping[int, date]
) -> MrrMovements:
    """Sort each account's change between the opening and closing MRR into one movement."""
    totals = dict.fromkeys(("new", "expansion", "contraction", "churned", "reactivation"), 0)
    churned_accounts = 0
    for account_id in opening.keys() | closing.keys():
        before, after = opening.get(account_id, 0), closing.get(account_id, 0)
        if before == 0 and after > 0:
            kind = "new" if first_revenue[account_id] > period.opening_day else "reactivation"
            totals[kind] += after
        elif before > 0 and after == 0:
            totals["churned"] += before
            churned_accounts += 1
        elif after > before:
            totals["expansion"] += after - before
        else:
            totals["contraction"] += before - after
    return MrrMovements(
        period=period,
        starting_mrr_minor=sum(opening.values()),
        new_minor=totals["new"],
        expansion_minor=totals["expansion"],
        contraction_minor=totals["contraction"],
        churned_minor=totals["churned"],
        reactivation_minor=totals["reactivation"],
        ending_mrr_minor=sum(closing.values()),
        accounts_at_start=sum(1 for mrr in opening.values() if mrr > 0),
        accounts_churned=churned_accounts,
    )


@dataclass(frozen=True)
class MrrHistory:
    """Converted MRR per account at closing days, and the day each account first had revenue."""

    by_day: Mapping[date, Mapping[int, int]]
    first_revenue: Mapping[int, date]

    def movements(self, period: Period, accounts: Collection[int] | None = None) -> MrrMovements:
        """The period's movements, over ``accounts`` only when given (e.g. one owner's book)."""

        def mrr_on(day: date) -> dict[int, int]:
            return {
                account: mrr
                for account, mrr in self.by_day[day].items()
                if mrr > 0 and (accounts is None or account in accounts)
            }

        return classify(period, mrr_on(period.opening_day), mrr_on(period.end), self.first_revenue)


def load_mrr_history(
    session: Session, days: Iterable[date], accounts: Select[int], reporting_currency: str
) -> MrrHistory:
    """MRR of every account in ``accounts`` on each of ``days``, in one statement (a UNION ALL per day)."""
    days = sorted(set(days))
    require_mrr_rates(session, days, reporting_currency)
    per_day = []
    for index, day in enumerate(days):
        mrr = mrr_by_account(day, reporting_currency).where(Contract.account_id.in_(accounts)).subquery()
        per_day.append(select(literal_column(str(index)).label("day_index"), mrr.c.account_id, mrr.c.mrr_minor))
    by_day: dict[date, dict[int, int]] = {day: {} for day in days}
    for day_index, account_id, mrr_minor in session.execute(union_all(*per_day)):
        by_day[days[day_index]][account_id] = mrr_minor
    return MrrHistory(by_day, _first_revenue(session, accounts))


def _first_revenue(session: Session, accounts: Select[int]) -> dict[int, date]:
    """The first day each account had a paying contract: revenue after it is reactivation, not new."""
    query = (
        select(Contract.account_id, func.min(Contract.start_date))
        .join(ContractLine, ContractLine.contract_id == Contract.id)
        .where(
            Contract.status.in_(IN_FORCE_STATUSES),
            Contract.deleted_at.is_(None),
            ContractLine.deleted_at.is_(None),
            ContractLine.quantity * ContractLine.unit_price_minor > 0,
            Contract.account_id.in_(accounts),
        )
        .group_by(Contract.account_id)
    )
    return {account_id: first_day for account_id, first_day in session.execute(query)}
