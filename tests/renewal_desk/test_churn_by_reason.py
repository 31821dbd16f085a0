"""revenueMetrics.churnByReason and saves: renewals lost and downsold per churn reason, through the real
mutations, against figures worked out by hand from the inputs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from acctgraph import models as m
from tests.api.mutation_cases import gid, mutate
from tests.conftest import GraphQLClient
from tests.fixtures import SampleData

METRICS = """
query ($period: String!) { revenueMetrics(period: $period) {
  churnByReason { reason churnedArr { amountMinor } lostRenewals contractedArr { amountMinor } downsoldRenewals }
  saves { count arr { amountMinor } }
} }
"""


async def _close(graphql: GraphQLClient, row: m.Opportunity, version: int, **fields: object) -> None:
    payload = await mutate(graphql, "closeOpportunity", {"id": gid(row), "version": version, **fields})
    assert payload["userErrors"] == []


async def test_churn_and_contraction_per_reason_and_saves(graphql: GraphQLClient, sample: SampleData) -> None:
    opened = datetime.now(UTC) - timedelta(days=30)
    at_risk = sample.account()
    sample.health(at_risk, 20, m.HealthBand.RED, day=opened.date() - timedelta(days=3))

    def renewal(amount: int, account: m.Account | None = None) -> m.Opportunity:
        return sample.opportunity(
            account or sample.account(), kind=m.OpportunityKind.RENEWAL, amount_minor=amount, created_at=opened
        )

    lost_a, lost_b, lost_c = renewal(1_000_00), renewal(500_00), renewal(300_00)
    downsold, saved, grown = renewal(2_000_00), renewal(700_00, at_risk), renewal(900_00)
    open_lost_reasonless = renewal(50_00)  # stays open: not in any figure
    sample.session.commit()
    assert open_lost_reasonless.status is m.OpportunityStatus.OPEN

    lost = {"won": False, "reason": "Went elsewhere"}
    await _close(graphql, lost_a, 1, churnReason="price", **lost)
    await _close(graphql, lost_b, 1, churnReason="price", **lost)
    await _close(graphql, lost_c, 1, churnReason="budget", **lost)
    for version, amount in ((1, 1_500_00), (2, 1_200_00)):
        edit = {"id": gid(downsold), "version": version, "amountMinor": amount}
        assert (await mutate(graphql, "updateOpportunity", edit))["userErrors"] == []
    await _close(graphql, downsold, 3, won=True, churnReason="budget")
    await _close(graphql, saved, 1, won=True)
    assert (await mutate(graphql, "updateOpportunity", {"id": gid(grown), "version": 1, "amountMinor": 1_000_00}))[
        "userErrors"
    ] == []
    await _close(graphql, grown, 2, won=True, churnReason="price")

    month = date.today().strftime("%Y-%m")
    metrics = (await graphql.data(METRICS, {"period": month}))["revenueMetrics"]
    assert metrics["churnByReason"] == [
        {
            "reason": "budget",
            "churnedArr": {"amountMinor": 300_00},
            "lostRenewals": 1,
            "contractedArr": {"amountMinor": 2_000_00 - 1_200_00},
            "downsoldRenewals": 1,
        },
        {
            "reason": "price",
            "churnedArr": {"amountMinor": 1_000_00 + 500_00},
            "lostRenewals": 2,
            "contractedArr": {"amountMinor": 0},
            "downsoldRenewals": 0,
        },
    ]
    assert metrics["saves"] == {"count": 1, "arr": {"amountMinor": 700_00}}
    earlier = (date.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    assert (await graphql.data(METRICS, {"period": earlier}))["revenueMetrics"]["churnByReason"] == []
