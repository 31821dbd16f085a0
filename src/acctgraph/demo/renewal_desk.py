"""The renewal desk and targets in the demo book: churn reasons on lost renewals, downsold renewals with
their reason and the amount edit that shows the downsell, saves, late renewals, next steps on open
renewals, and quarterly quotas for every active account manager.

Each draws from its own random stream, so the rest of the book is the same with or without it.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

from acctgraph.demo.plan import PlannedRow, Ref, at, stream
from acctgraph.demo.story import Story
from acctgraph.demo.team import Team
from acctgraph.domain.renewal_desk import DEFAULT_CHURN_REASONS
from acctgraph.domain.revenue.period import Period
from acctgraph.models import ContractStatus, OpportunityKind, OpportunityStatus, QuotaKind

RENEWAL_LEAD_DAYS = 150
LATE_SHARE = 0.2
"""Share of won renewals signed after the term ended."""
NEXT_STEPS = (
    "Confirm renewal terms with the champion",
    "Send the renewal quote",
    "Review usage with the economic buyer",
    "Agree on the price uplift",
    "Get procurement's sign-off",
)


def add_cancellation_reasons(story: Story, contracts: list[PlannedRow], seed: int) -> None:
    """A churn reason and its detail on each cancelled contract, none on the others (in place)."""
    rng = stream(seed, "cancellations", story.key)
    for row in contracts:
        cancelled = row.values["status"] is ContractStatus.CANCELLED
        reason = rng.choice(DEFAULT_CHURN_REASONS) if cancelled else None
        row.values["churn_reason"] = reason
        row.values["churn_detail"] = f"Cancelled early: {reason.replace('_', ' ')}" if reason else None


def _is_renewal(row: PlannedRow) -> bool:
    return row.values["kind"] is OpportunityKind.RENEWAL


def add_renewal_details(story: Story, opportunities: list[PlannedRow], seed: int) -> list[PlannedRow]:
    """Set churn reasons, saves, late signings and next steps on the story's renewals (in place); the
    amount edits of the downsold ones, as ``opportunity_field_changes`` rows."""
    rng = stream(seed, "renewal-desk", story.key)
    previous_arr = {term.key: term.mrr_minor * 12 for term in story.history.terms}
    edits: list[PlannedRow] = []
    for row in opportunities:  # every row the same columns: they are inserted many at a time
        row.values.update({"next_step": None, "churn_reason": None, "saved": False})
    for row in filter(_is_renewal, opportunities):
        values = row.values
        status = values["status"]
        if status is OpportunityStatus.LOST:
            values["churn_reason"] = rng.choice(DEFAULT_CHURN_REASONS)
        elif status is OpportunityStatus.OPEN:
            values["next_step"] = rng.choice(NEXT_STEPS)
        else:
            edits += _won_renewal(story, row, previous_arr, rng)
    return edits


def _won_renewal(story: Story, row: PlannedRow, previous_arr: dict[str, int], rng: random.Random) -> list[PlannedRow]:
    values = row.values
    contract: Ref = values["contract_id"]
    term_end = next(term.end for term in story.history.terms if term.key == contract.key)
    opened = term_end - timedelta(days=RENEWAL_LEAD_DAYS)
    values["saved"] = story.health(opened) < 0
    if rng.random() < LATE_SHARE:
        late = min(term_end + timedelta(days=rng.randint(1, 25)), story.window.today - timedelta(days=1))
        if late > term_end:
            values["expected_close_date"] = late
            values["closed_at"] = at(late, rng)
    before = previous_arr[contract.key]
    if values["amount_minor"] >= before:
        return []
    values["churn_reason"] = rng.choice(("price", "budget", "poor_adoption", "product_gaps"))
    assert row.key is not None
    return [
        PlannedRow(
            f"{row.key}-amount",
            {
                "opportunity_id": Ref("opportunities", row.key),
                "account_id": Ref("accounts", story.key),
                "field": "amount_minor",
                "before": str(before),
                "after": str(values["amount_minor"]),
                "changed_by_id": Ref("users", story.profile.owner),
            },
        )
    ]


def quota_rows(team: Team, opportunities: list[PlannedRow], today: date, seed: int) -> list[PlannedRow]:
    """Net new and renewal ARR quotas for the current and the previous quarter (fiscal year = calendar
    year): renewal quota 90% of the renewals due to the account manager in the quarter, net new a
    quarter of that (at least 20,000.00), rounded to thousands; set by their manager."""
    current = Period.fiscal_quarter_containing(today, 1)
    previous = Period.fiscal_quarter_containing(current.start - timedelta(days=1), 1)
    due: dict[tuple[str, Period], int] = defaultdict(int)
    for row in filter(_is_renewal, opportunities):
        owner: Ref = row.values["owner_id"]
        for quarter in (current, previous):
            if row.values["expected_close_date"] in quarter:
                due[(owner.key, quarter)] += row.values["amount_minor"]
    rng = stream(seed, "quotas")
    rows = []
    for keys in team.account_managers.values():
        for key in keys:
            for quarter in (previous, current):
                renewal = round(due[(key, quarter)] * 0.9 / 100_000) * 100_000
                net_new = max(2_000_000, round(renewal / 4 * rng.uniform(0.8, 1.2) / 100_000) * 100_000)
                for kind, amount in ((QuotaKind.RENEWAL_ARR, renewal), (QuotaKind.NET_NEW_ARR, net_new)):
                    manager = team.manager_of(key)
                    rows.append(
                        PlannedRow(
                            f"quota-{key}-{quarter.label}-{kind.value}",
                            {
                                "user_id": Ref("users", key),
                                "kind": kind,
                                "period": quarter.label,
                                "starts_on": quarter.start,
                                "ends_on": quarter.end,
                                "amount_minor": amount,
                                "currency": "USD",
                                "set_by_id": Ref("users", manager) if manager else None,
                            },
                        )
                    )
    return rows
