"""MRR movements between two days: new, expansion, contraction, churn, reactivation, the exchange-rate
effect, and the rates built on them.

Each account's MRR at the opening day (the day before the period) is compared with its MRR at the
closing day (the period's last day, or today while it runs) in **constant currency**: the closing amounts
converted at the opening day's rates. What the rates' move adds on top is the FX effect, reported on its
own, as ChartMogul does. Formulas and choices are in docs/metrics.md.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select
from sqlalchemy.orm import Session

from acctgraph.domain.mrr import NativeMrr, first_revenue_days, native_mrr_by_day
from acctgraph.domain.revenue.money import Rates, converted_mrr
from acctgraph.domain.revenue.period import Period


def ratio(numerator: int, denominator: int) -> float | None:
    """numerator / denominator to four places, or None when there is nothing to divide by."""
    return round(numerator / denominator, 4) if denominator else None


@dataclass(frozen=True)
class MrrMovements:
    """The MRR bridge of a period:
    starting + new + reactivation + expansion - contraction - churned + FX effect = ending."""

    period: Period
    closing_day: date
    starting_mrr_minor: int = 0
    new_minor: int = 0
    expansion_minor: int = 0
    contraction_minor: int = 0
    churned_minor: int = 0
    reactivation_minor: int = 0
    fx_effect_minor: int = 0
    ending_mrr_minor: int = 0
    accounts_at_start: int = 0
    accounts_churned: int = 0

    @property
    def nrr(self) -> float | None:
        """Net revenue retention: (start + expansion - contraction - churn) / start, in constant currency."""
        retained = self.starting_mrr_minor + self.expansion_minor - self.contraction_minor - self.churned_minor
        return ratio(retained, self.starting_mrr_minor)

    @property
    def grr(self) -> float | None:
        """Gross revenue retention: (start - contraction - churn) / start, in constant currency."""
        return ratio(self.starting_mrr_minor - self.contraction_minor - self.churned_minor, self.starting_mrr_minor)

    @property
    def logo_churn_rate(self) -> float | None:
        """Accounts lost / accounts paying at the start."""
        return ratio(self.accounts_churned, self.accounts_at_start)


@dataclass(frozen=True)
class AccountMrr:
    """One account's side of a period: opening MRR, closing MRR at the opening rates, and at the closing rates."""

    opening: int
    closing_constant: int
    closing: int


def classify(
    period: Period, closing_day: date, accounts: Mapping[int, AccountMrr], first_revenue: Mapping[int, date]
) -> MrrMovements:
    """Sort each account's change into one movement; the rates' move goes to the FX effect."""
    totals = dict.fromkeys(("new", "expansion", "contraction", "churned", "reactivation", "fx"), 0)
    churned_accounts = 0
    for account_id, mrr in accounts.items():
        before, after = mrr.opening, mrr.closing_constant
        if before == 0:
            kind = "new" if first_revenue[account_id] > period.opening_day else "reactivation"
            totals[kind] += mrr.closing
            continue
        totals["fx"] += mrr.closing - after
        if after == 0:
            totals["churned"] += before
            churned_accounts += 1
        elif after > before:
            totals["expansion"] += after - before
        else:
            totals["contraction"] += before - after
    return MrrMovements(
        period=period,
        closing_day=closing_day,
        starting_mrr_minor=sum(mrr.opening for mrr in accounts.values()),
        new_minor=totals["new"],
        expansion_minor=totals["expansion"],
        contraction_minor=totals["contraction"],
        churned_minor=totals["churned"],
        reactivation_minor=totals["reactivation"],
        fx_effect_minor=totals["fx"],
        ending_mrr_minor=sum(mrr.closing for mrr in accounts.values()),
        accounts_at_start=sum(1 for mrr in accounts.values() if mrr.opening > 0),
        accounts_churned=churned_accounts,
    )


@dataclass(frozen=True)
class MrrHistory:
    """MRR per account and currency at chosen days, the rates, and the day each account first had revenue."""

    native: Mapping[date, Mapping[int, NativeMrr]]
    converted: Mapping[date, Mapping[int, int]]
    rates: Rates
    first_revenue: Mapping[int, date]

    def movements(self, period: Period, closing_day: date, accounts: Collection[int] | None = None) -> MrrMovements:
        """The movements from the period's opening day to ``closing_day``, over ``accounts`` only when given
        (e.g. one owner's book)."""
        opening_day = period.opening_day
        opening, closing = self.converted[opening_day], self.converted[closing_day]
        wanted = (
            (opening.keys() | closing.keys()) if accounts is None else (opening.keys() | closing.keys()) & set(accounts)
        )
        native_closing = self.native[closing_day]
        return classify(
            period,
            closing_day,
            {
                account: AccountMrr(
                    opening=opening.get(account, 0),
                    closing_constant=self.rates.convert_mrr(native_closing.get(account, {}), opening_day, closing_day),
                    closing=closing.get(account, 0),
                )
                for account in wanted
            },
            self.first_revenue,
        )


def load_mrr_history(
    session: Session, days: Iterable[date], accounts: Select[int], reporting_currency: str, today: date
) -> MrrHistory:
    """MRR of every account in ``accounts`` on each of ``days``, as known on ``today`` (past days by the
    contracts' dated status history): one statement for the amounts, one for the rates, one for the
    first days of revenue."""
    native = native_mrr_by_day(session, days, accounts, today=today)
    rates = Rates.load(session, reporting_currency)
    return MrrHistory(native, converted_mrr(rates, native), rates, first_revenue_days(session, accounts))
