"""The renewal desk: likelihood to renew from band, trend, alerts and term end (checked against an independent
computation of docs/metrics.md's formula), the two weighted forecasts, timing and notice dates."""

from __future__ import annotations

import random
from datetime import date, timedelta
from fractions import Fraction
from math import floor

from acctgraph import models as m
from acctgraph.graphql.ids import to_global_id
from tests.api.mutation_cases import gid
from tests.conftest import GraphQLClient
from tests.fixtures import SampleData

TODAY = date.today()
DESK = """
query ($filter: RenewalDeskFilter, $first: Int!, $scope: RevenueScope) {
  renewalDesk(filter: $filter, first: $first, scope: $scope) {
    totalCount amount { amountMinor } stageWeightedForecast { amountMinor } riskWeightedForecast { amountMinor }
    entries {
      opportunity { id name amount { amountMinor } probability owner { name } }
      termEnd autoRenew noticeDate pastNoticeDate timing
      risk { band trend openAlerts daysToTermEnd likelihoodPercent }
      stageWeightedAmount { amountMinor } riskWeightedAmount { amountMinor }
    }
  }
}
"""
BASE = {"GREEN": 90, "YELLOW": 65, "RED": 35, None: 70}


def _half_up(value: Fraction) -> int:
    return floor(value + Fraction(1, 2))


def expected_likelihood(band: str | None, trend: int | None, alerts: int, days: int) -> int:
    """docs/metrics.md, computed with exact fractions."""
    trend_points = Fraction(max(-20, min(20, trend or 0)), 2)
    base = min(Fraction(95), max(Fraction(5), BASE[band] + trend_points))
    factor = Fraction(85, 100) ** min(alerts, 4) * (Fraction(8, 10) if days < 0 else 1)
    return _half_up(base * factor)


def _book(sample: SampleData, owner: m.User, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    for index in range(count):
        account = sample.account(owner_id=owner.id)
        band = rng.choice([None, *m.HealthBand])
        if band is not None:
            trend = rng.choice([None, -35, -9, 0, 3, 13, 40])
            sample.health(account, rng.randint(0, 100), band, measures={"trend": trend})
        for _ in range(rng.randint(0, 5)):
            sample.alert(account)
        end = TODAY + timedelta(days=rng.randint(-40, 120))
        contract = sample.contract(
            account,
            start_date=end - timedelta(days=365),
            end_date=end,
            auto_renew=index % 3 == 0,
            notice_period_days=60,
        )
        sample.opportunity(
            account,
            kind=m.OpportunityKind.RENEWAL,
            contract_id=contract.id,
            amount_minor=rng.randint(1, 10_000_000),
            probability=rng.randint(0, 100),
            owner_id=owner.id,
        )
    sample.session.commit()


async def test_each_likelihood_and_both_forecasts_match_an_independent_computation(
    graphql: GraphQLClient, sample: SampleData
) -> None:
    owner = sample.user()
    _book(sample, owner, 40)
    desk = (await graphql.data(DESK, {"first": 100}))["renewalDesk"]
    entries = desk["entries"]
    assert desk["totalCount"] == len(entries) == 40
    for entry in entries:
        risk = entry["risk"]
        days = (date.fromisoformat(entry["termEnd"]) - TODAY).days
        assert risk["daysToTermEnd"] == days
        assert risk["likelihoodPercent"] == expected_likelihood(risk["band"], risk["trend"], risk["openAlerts"], days)
    amounts = [(e["opportunity"]["amount"]["amountMinor"], e) for e in entries]
    stage = sum(_half_up(Fraction(a * e["opportunity"]["probability"], 100)) for a, e in amounts)
    by_risk = sum(_half_up(Fraction(a * e["risk"]["likelihoodPercent"], 100)) for a, e in amounts)
    assert desk["stageWeightedForecast"]["amountMinor"] == stage
    assert desk["riskWeightedForecast"]["amountMinor"] == by_risk
    assert desk["amount"]["amountMinor"] == sum(a for a, _ in amounts)
    assert [e["termEnd"] for e in entries] == sorted(e["termEnd"] for e in entries)


async def test_a_red_falling_alerted_overdue_renewal_is_at_the_bottom_of_the_formula(
    graphql: GraphQLClient, sample: SampleData
) -> None:
    # (35 - 10 trend points) x 0.85^4 (alerts beyond 4 do not count) x 0.8 (term ended) = 10.44 -> 10
    owner = sample.user()
    account = sample.account(owner_id=owner.id)
    sample.health(account, 10, m.HealthBand.RED, measures={"trend": -40})
    for _ in range(9):
        sample.alert(account)
    contract = sample.contract(account, end_date=TODAY - timedelta(days=1))
    sample.opportunity(account, kind=m.OpportunityKind.RENEWAL, contract_id=contract.id)
    sample.session.commit()
    entry = (await graphql.data(DESK, {"first": 5}))["renewalDesk"]["entries"][0]
    assert entry["risk"]["likelihoodPercent"] == 10
    assert entry["timing"] == "OVERDUE"


async def test_timing_notice_dates_and_filters(graphql: GraphQLClient, sample: SampleData) -> None:
    owner = sample.user()
    account = sample.account(owner_id=owner.id)

    def renewal(end: date, closed_on: date | None = None, **contract: object) -> m.Opportunity:
        signed = sample.contract(account, start_date=end - timedelta(days=365), end_date=end, **contract)
        status = m.OpportunityStatus.OPEN if closed_on is None else m.OpportunityStatus.WON
        return sample.opportunity(
            account, kind=m.OpportunityKind.RENEWAL, contract_id=signed.id, status=status, closed_on=closed_on
        )

    end = TODAY - timedelta(days=5)
    early, on_time, late = renewal(end, end - timedelta(days=3)), renewal(end, end), renewal(end, TODAY)
    locked = renewal(TODAY + timedelta(days=10), auto_renew=True, notice_period_days=30)
    cancellable = renewal(TODAY + timedelta(days=90), auto_renew=True, notice_period_days=30)
    sample.session.commit()

    async def names(filter: dict[str, object]) -> dict[str, dict[str, object]]:
        desk = (await graphql.data(DESK, {"first": 50, "filter": filter}))["renewalDesk"]
        return {entry["opportunity"]["name"]: entry for entry in desk["entries"]}

    won = await names({"status": "WON"})
    assert {name: entry["timing"] for name, entry in won.items()} == {
        early.name: "EARLY",
        on_time.name: "ON_TIME",
        late.name: "LATE",
    }
    assert set(await names({"status": "WON", "timing": "LATE"})) == {late.name}
    past_notice = await names({"pastNoticeDate": True})
    assert set(past_notice) == {locked.name}
    assert past_notice[locked.name]["noticeDate"] == (TODAY - timedelta(days=20)).isoformat()
    assert (await names({}))[cancellable.name]["pastNoticeDate"] is False
    contract = "{ node(id: $id) { ... on Contract { noticeDate pastNoticeDate } } }"
    locked_contract = sample.session.get(m.Contract, locked.contract_id)
    read = await graphql.data(f"query ($id: ID!) {contract}", {"id": gid(locked_contract)})
    assert read["node"] == {"noticeDate": (TODAY - timedelta(days=20)).isoformat(), "pastNoticeDate": True}


async def test_a_desk_of_5_and_of_100_issue_the_same_statements(graphql: GraphQLClient, sample: SampleData) -> None:
    owner = sample.user()
    _book(sample, owner, 100)
    small = await graphql.data(DESK, {"first": 5})
    small_count = len(graphql.statements)
    large = await graphql.data(DESK, {"first": 100})
    large_count = len(graphql.statements)
    assert (len(small["renewalDesk"]["entries"]), len(large["renewalDesk"]["entries"])) == (5, 100)
    # renewals, health, alerts, rates, owners: 5 whatever the page size
    assert small_count == large_count == 5


async def test_a_page_beyond_the_limit_and_an_unknown_owner_are_client_errors(graphql: GraphQLClient) -> None:
    too_many = await graphql.execute(DESK, {"first": 1000})
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    unknown = await graphql.execute(DESK, {"first": 5, "scope": {"ownerId": to_global_id("User", 999999)}})
    assert unknown["errors"][0]["extensions"]["code"] == "NOT_FOUND"
