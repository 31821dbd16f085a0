"""Opportunities: the won new-business deal of each new logo, a renewal per contract end (won, lost at
churn, or open with a forecast category that follows health), and upsells and cross-sells, won before
expansions, lost now and then, open for healthy accounts."""

from __future__ import annotations

import random
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from acctgraph.demo.accounts import Fate
from acctgraph.demo.contracts import Term
from acctgraph.demo.plan import PlannedRow, Ref, at, stream
from acctgraph.demo.story import Story
from acctgraph.demo.vocabulary import LOST_REASONS
from acctgraph.models import ForecastCategory, OpportunityKind, OpportunityStatus

RENEWAL_LEAD_DAYS = 150
"""Open renewals are in the pipeline this long before the contract ends."""
OPEN_STAGES = {
    ForecastCategory.COMMIT: ("negotiation", 90),
    ForecastCategory.BEST_CASE: ("proposal", 60),
    ForecastCategory.PIPELINE: ("qualification", 30),
}


def opportunity_rows(story: Story, seed: int) -> list[PlannedRow]:
    rng = stream(seed, "opportunities", story.key)
    deals: list[dict[str, Any]] = _new_business(story, rng) + _renewals(story, rng) + _expansions(story, rng)
    return [
        PlannedRow(
            f"{story.key}-opp-{n}",
            {
                "account_id": Ref("accounts", story.key),
                "currency": story.profile.currency,
                "owner_id": Ref("users", story.profile.owner),
                "contract_id": None,
                **deal,
            },
        )
        for n, deal in enumerate(deals, start=1)
    ]


def _closed(
    name: str, kind: OpportunityKind, amount: int, closed: date, won: bool, rng: random.Random
) -> dict[str, Any]:
    return {
        "name": name,
        "kind": kind,
        "stage": "closed_won" if won else "closed_lost",
        "status": OpportunityStatus.WON if won else OpportunityStatus.LOST,
        "amount_minor": amount,
        "probability": 100 if won else 0,
        "expected_close_date": closed,
        "forecast_category": ForecastCategory.CLOSED if won else ForecastCategory.OMITTED,
        "closed_at": at(closed, rng),
        "close_reason": None if won else rng.choice(LOST_REASONS),
    }


def _open(name: str, kind: OpportunityKind, amount: int, closes: date, category: ForecastCategory) -> dict[str, Any]:
    stage, probability = OPEN_STAGES[category]
    return {
        "name": name,
        "kind": kind,
        "stage": stage,
        "status": OpportunityStatus.OPEN,
        "amount_minor": amount,
        "probability": probability,
        "expected_close_date": closes,
        "forecast_category": category,
        "closed_at": None,
        "close_reason": None,
    }


def _new_business(story: Story, rng: random.Random) -> list[dict[str, Any]]:
    won_on = story.profile.customer_since - timedelta(days=rng.randint(10, 45))
    if won_on < story.window.start:
        return []
    first = story.history.terms[0]
    deals = [
        _closed(f"{story.profile.name}: new business", OpportunityKind.NEW, first.mrr_minor * 12, won_on, True, rng)
    ]
    lost_on = won_on - timedelta(days=rng.randint(180, 360))
    if lost_on >= story.window.start and rng.random() < 0.3:
        deals.insert(
            0,
            _closed(
                f"{story.profile.name}: first evaluation",
                OpportunityKind.NEW,
                first.mrr_minor * 10,
                lost_on,
                False,
                rng,
            ),
        )
    return deals


def _renewals(story: Story, rng: random.Random) -> list[dict[str, Any]]:
    terms, window = story.history.terms, story.window
    deals = []
    for n, term in enumerate(terms):
        name = f"{story.profile.name}: renewal {term.end.year}"
        if term.end < window.start:
            continue
        if n + 1 < len(terms):
            won = _closed(
                name,
                OpportunityKind.RENEWAL,
                terms[n + 1].mrr_minor * 12,
                term.end - timedelta(days=rng.randint(0, 20)),
                True,
                rng,
            )
            deals.append({**won, "contract_id": Ref("contracts", term.key)})
        elif story.fate is Fate.CHURN:
            lost = _closed(
                name,
                OpportunityKind.RENEWAL,
                term.mrr_minor * 12,
                term.end - timedelta(days=rng.randint(0, 30)),
                False,
                rng,
            )
            deals.append({**lost, "contract_id": Ref("contracts", term.key)})
        elif (term.end - window.today).days <= RENEWAL_LEAD_DAYS:
            category = _category(story.health(window.today) + rng.gauss(0, 0.3))
            deals.append(
                {
                    **_open(name, OpportunityKind.RENEWAL, term.mrr_minor * 12, term.end, category),
                    "contract_id": Ref("contracts", term.key),
                }
            )
    return deals


def _expansions(story: Story, rng: random.Random) -> list[dict[str, Any]]:
    terms, window, deals = story.history.terms, story.window, []
    for before, after in pairwise(terms):
        if story.history.changed_at.get(after.start) is Fate.EXPAND:
            deals += _expansion_deals(story.profile.name, before, after, rng)
    if story.fate is not Fate.CHURN and story.health(window.today) > 0.2 and rng.random() < 0.35:
        kind = rng.choice((OpportunityKind.UPSELL, OpportunityKind.CROSS_SELL))
        closes = window.today + timedelta(days=rng.randint(20, 180))
        amount = terms[-1].mrr_minor * 12 * rng.randint(10, 40) // 100
        deals.append(
            _open(
                f"{story.profile.name}: {kind.value.replace('_', '-')}",
                kind,
                amount,
                closes,
                _category(rng.uniform(-0.5, 1.0)),
            )
        )
    if rng.random() < 0.1:
        lost_on = window.start + timedelta(days=rng.randint(0, window.days - 1))
        if story.first_day <= lost_on <= story.last_day:
            deals.append(
                _closed(
                    f"{story.profile.name}: upsell", OpportunityKind.UPSELL, terms[0].mrr_minor * 3, lost_on, False, rng
                )
            )
    return deals


def _expansion_deals(name: str, before: Term, after: Term, rng: random.Random) -> list[dict[str, Any]]:
    """The upsell (more seats) and cross-sell (a new product) won just before an expanding renewal."""
    closes = after.start - timedelta(days=rng.randint(5, 40))
    deals = []
    added = [sku for sku in after.prices if sku not in before.prices]
    if added:
        deals.append(
            _closed(f"{name}: cross-sell", OpportunityKind.CROSS_SELL, after.prices[added[0]] * 12, closes, True, rng)
        )
    seats_added = after.seats - before.seats
    deals.append(
        _closed(
            f"{name}: upsell {seats_added} seats",
            OpportunityKind.UPSELL,
            max(0, after.mrr_minor - before.mrr_minor) * 12,
            closes,
            True,
            rng,
        )
    )
    return deals


def _category(outlook: float) -> ForecastCategory:
    return (
        ForecastCategory.COMMIT
        if outlook > 0.3
        else ForecastCategory.BEST_CASE
        if outlook > -0.3
        else ForecastCategory.PIPELINE
    )
