"""Contract histories: a chain of terms per account, each renewal pointing at the term it renews, with
the account's fate played out at a renewal (churn, expansion, contraction) and lines per term."""

from __future__ import annotations

import calendar
import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from acctgraph.demo.accounts import AccountProfile, Fate
from acctgraph.demo.catalog import ADD_ONS, LIST_PRICES, SEAT_SKU, price_in
from acctgraph.demo.plan import PlannedRow, Ref, Window, stream
from acctgraph.demo.segments import SEGMENTS
from acctgraph.models import ContractStatus, Segment

NOTICE_DAYS = {
    Segment.SMB: 30,
    Segment.MID_MARKET: 60,
    Segment.ENTERPRISE: 90,
    Segment.STRATEGIC: 90,
    Segment.PARTNER: 30,
}
CHURN_NOT_BEFORE_DAYS = 150
"""Churn no earlier than this into the window, so signals have months of history before it."""


@dataclass(frozen=True)
class Term:
    key: str
    number: str
    start: date
    end: date
    status: ContractStatus
    seats: int
    prices: dict[str, int]
    renewal_of: str | None

    @property
    def mrr_minor(self) -> int:
        return sum(price * (self.seats if sku == SEAT_SKU else 1) for sku, price in self.prices.items())


@dataclass(frozen=True)
class ContractHistory:
    fate: Fate
    """The fate the contracts allowed (a churn needs a renewal date inside the window)."""
    terms: list[Term]
    """Signed terms, oldest first; the last one is active, or expired/cancelled for a churned account."""
    churned_on: date | None = None
    changed_at: dict[date, Fate] = field(default_factory=dict)
    """Renewals where the account expanded or contracted."""
    draft_renewal: Term | None = None


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def plan_contracts(profile: AccountProfile, seed: int, window: Window) -> ContractHistory:
    rng = stream(seed, "contracts", profile.key)
    periods = _periods(profile, window)
    fate = profile.fate
    if fate is Fate.CHURN:
        eligible = [
            n
            for n, (_, end) in enumerate(periods)
            if window.start + timedelta(days=CHURN_NOT_BEFORE_DAYS) <= end <= window.today - timedelta(days=7)
        ]
        if eligible:
            periods = periods[: rng.choice(eligible) + 1]
        else:
            fate = Fate.STEADY
    renewals = [n for n in range(1, len(periods)) if window.start + timedelta(days=90) <= periods[n][0]]
    change_at = rng.choice(renewals) if fate in (Fate.EXPAND, Fate.CONTRACT) and renewals else None
    if fate in (Fate.EXPAND, Fate.CONTRACT) and change_at is None:
        fate = Fate.STEADY
    terms = _terms(profile, periods, fate, change_at, rng)
    if fate is Fate.CHURN:
        terms[-1] = _lapse(terms[-1], rng)
    return ContractHistory(
        fate=fate,
        terms=terms,
        churned_on=terms[-1].end if fate is Fate.CHURN else None,
        changed_at={periods[change_at][0]: fate} if change_at is not None else {},
        draft_renewal=_draft_renewal(profile, terms[-1], fate, window, rng),
    )


def _periods(profile: AccountProfile, window: Window) -> list[tuple[date, date]]:
    """Back-to-back terms from the first contract until one runs past today."""
    periods, start = [], profile.customer_since
    while True:
        end = add_months(start, profile.term_months) - timedelta(days=1)
        periods.append((start, end))
        if end >= window.today:
            return periods
        start = end + timedelta(days=1)


def _terms(
    profile: AccountProfile, periods: list[tuple[date, date]], fate: Fate, change_at: int | None, rng: random.Random
) -> list[Term]:
    seats, prices, terms = profile.seats, dict(profile.prices), list[Term]()
    for n, (start, end) in enumerate(periods):
        if n:
            prices = {sku: int(price * rng.uniform(1.0, 1.05)) for sku, price in prices.items()}
        if n == change_at:
            seats, prices = _changed(profile, seats, prices, fate, rng)
        terms.append(
            Term(
                key=f"{profile.key}-ctr-{n + 1}",
                number=f"CTR-{profile.key.removeprefix('acct-')}-{n + 1:02d}",
                start=start,
                end=end,
                status=ContractStatus.RENEWED if n < len(periods) - 1 else ContractStatus.ACTIVE,
                seats=seats,
                prices=prices,
                renewal_of=terms[-1].key if terms else None,
            )
        )
    return terms


def _changed(
    profile: AccountProfile, seats: int, prices: dict[str, int], fate: Fate, rng: random.Random
) -> tuple[int, dict[str, int]]:
    """Seats and products after an expansion (more seats, sometimes a cross-sold add-on) or contraction."""
    if fate is Fate.CONTRACT:
        return max(3, int(seats * rng.uniform(0.6, 0.85))), prices
    prices = dict(prices)
    missing = [sku for sku in ADD_ONS if sku not in prices]
    if missing and rng.random() < 0.5:
        sku = rng.choice(missing)
        prices[sku] = price_in(profile.currency, LIST_PRICES[sku] * SEGMENTS[profile.segment].add_on_scale)
    return int(seats * rng.uniform(1.25, 1.8)) + 1, prices


def _lapse(term: Term, rng: random.Random) -> Term:
    """The churned account's last term: expired unrenewed, or (sometimes) cancelled early."""
    if rng.random() < 0.15 and (term.end - term.start).days > 150:
        return replace(term, status=ContractStatus.CANCELLED, end=term.end - timedelta(days=rng.randint(30, 120)))
    return replace(term, status=ContractStatus.EXPIRED)


def _draft_renewal(
    profile: AccountProfile, current: Term, fate: Fate, window: Window, rng: random.Random
) -> Term | None:
    """A renewal already drafted for some healthy accounts renewing within 60 days."""
    if fate in (Fate.CHURN, Fate.AT_RISK) or (current.end - window.today).days > 60 or rng.random() < 0.6:
        return None
    start = current.end + timedelta(days=1)
    return replace(
        current,
        key=f"{current.key}-draft",
        number=f"{current.number}-R",
        start=start,
        end=add_months(start, profile.term_months) - timedelta(days=1),
        status=ContractStatus.DRAFT,
        renewal_of=current.key,
    )


def contract_rows(profile: AccountProfile, history: ContractHistory) -> tuple[list[PlannedRow], list[PlannedRow]]:
    """The account's contracts and their lines."""
    terms = history.terms + ([history.draft_renewal] if history.draft_renewal else [])
    contracts = [
        PlannedRow(
            term.key,
            {
                "account_id": Ref("accounts", profile.key),
                "number": term.number,
                "status": term.status,
                "start_date": term.start,
                "end_date": term.end,
                "auto_renew": profile.segment is Segment.SMB,
                "notice_period_days": NOTICE_DAYS[profile.segment],
                "currency": profile.currency,
                "billing_period": profile.billing_period,
                "renewal_of_id": Ref("contracts", term.renewal_of) if term.renewal_of else None,
            },
        )
        for term in terms
    ]
    lines = [
        PlannedRow(
            f"{term.key}-{sku}",
            {
                "contract_id": Ref("contracts", term.key),
                "product_id": Ref("products", sku),
                "quantity": term.seats if sku == SEAT_SKU else 1,
                "unit_price_minor": price,
            },
        )
        for term in terms
        for sku, price in term.prices.items()
    ]
    return contracts, lines
