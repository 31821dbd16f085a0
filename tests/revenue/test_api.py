"""The revenue queries over the real app, on the hand-computed first quarter of 2026 (conftest.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from acctgraph.domain.revenue.accuracy import snapshot_forecast
from acctgraph.domain.revenue.period import Period
from acctgraph.graphql.ids import to_global_id
from tests.conftest import GraphQLClient
from tests.revenue.conftest import Q1Book

METRICS = """
query ($period: String!, $scope: RevenueScope) {
  revenueMetrics(period: $period, scope: $scope) {
    period { label }
    totals {
      startingMrr { amountMinor currency } endingMrr { amountMinor } churned { amountMinor } nrr grr logoChurnRate
    }
    months { period { label } endingMrr { amountMinor } }
    renewals { dueArr { amountMinor } grossRate netRate }
  }
}
"""


async def test_revenue_metrics_for_a_team(graphql: GraphQLClient, q1_book: Q1Book) -> None:
    scope = {"managerId": to_global_id("User", q1_book.users["lead"].id)}
    data = await graphql.data(METRICS, {"period": "2026-Q1", "scope": scope})
    metrics = data["revenueMetrics"]
    assert metrics["period"]["label"] == "2026-Q1"
    # lead's team: A + B + C at the start; A 100_000 + B 250_000 + C 200_000 + E 80_000 at the end
    assert metrics["totals"]["startingMrr"] == {"amountMinor": 600_000, "currency": "USD"}
    assert metrics["totals"]["endingMrr"]["amountMinor"] == 630_000
    assert metrics["totals"]["nrr"] == 0.9167  # (600_000 + 50_000 - 100_000) / 600_000
    assert [m["endingMrr"]["amountMinor"] for m in metrics["months"]] == [600_000, 630_000 - 80_000, 630_000]
    assert metrics["renewals"]["grossRate"] == 0.6667  # C: 2_400_000 of 3_600_000


async def test_bad_period_and_unknown_owner_are_client_errors(graphql: GraphQLClient, q1_book: Q1Book) -> None:
    bad_period = await graphql.execute(METRICS, {"period": "Q1 2026"})
    assert bad_period["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "2026-Q3" in bad_period["errors"][0]["message"]
    unknown = await graphql.execute(METRICS, {"period": "2026-Q1", "scope": {"ownerId": to_global_id("User", 987_654)}})
    assert unknown["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    both = {"ownerId": to_global_id("User", 1), "segment": "SMB"}
    assert (await graphql.execute(METRICS, {"period": "2026", "scope": both}))["errors"][0]["extensions"][
        "code"
    ] == "BAD_USER_INPUT"


async def test_book_team_metrics_and_forecast(graphql: GraphQLClient, q1_book: Q1Book) -> None:
    am1 = to_global_id("User", q1_book.users["am1"].id)
    director = to_global_id("User", q1_book.users["director"].id)
    data = await graphql.data(
        """
        query ($am1: ID!, $director: ID!) {
          book(ownerId: $am1) { owner { id } accountCount openAlerts arrByBand { band arr { amountMinor } } }
          teamMetrics(managerId: $director, period: "2026-Q1") {
            totalCount nodes { user { id } accountCount nrr grr openAlerts }
          }
          forecast(period: "2026-Q1", granularity: QUARTER) {
            total { totals { count amount { amountMinor } weighted { amountMinor } } byKind { kind totals { count } } }
          }
        }
        """,
        {"am1": am1, "director": director},
    )
    assert data["book"]["owner"]["id"] == am1 and data["book"]["accountCount"] == 2
    assert data["book"]["openAlerts"] == 0
    assert {row["band"]: row["arr"]["amountMinor"] for row in data["book"]["arrByBand"]}[None] > 0  # no health yet
    assert data["teamMetrics"]["totalCount"] == 4
    team = {row["user"]["id"]: row for row in data["teamMetrics"]["nodes"]}
    assert team[am1]["nrr"] == 1.1667 and len(team) == 4 and team[am1]["openAlerts"] == 0
    # renewal opportunities of C (won 2_400_000), D (lost 1_800_000), I (won 180_000) close in Q1
    total = data["forecast"]["total"]
    assert total["totals"]["count"] == 3
    assert total["totals"]["amount"]["amountMinor"] == 4_380_000
    assert total["totals"]["weighted"]["amountMinor"] == 2_580_000  # the won ones count whole, the lost one nothing
    assert {row["kind"]: row["totals"]["count"] for row in total["byKind"]}["RENEWAL"] == 3


async def test_forecast_accuracy_per_owner(graphql: GraphQLClient, q1_book: Q1Book, session: Session) -> None:
    snapshot_forecast(session, Period.parse("2026-Q1"), "USD", datetime(2026, 1, 1, tzinfo=UTC))
    session.commit()
    data = await graphql.data(
        '{ forecastAccuracy(period: "2026") { nodes { owner { id } forecast { amountMinor } accuracy } } }'
    )
    rows = {row["owner"]["id"]: row for row in data["forecastAccuracy"]["nodes"]}
    # every renewal in the book is already decided, so the forecast held to is what was won
    am2 = rows[to_global_id("User", q1_book.users["am2"].id)]
    assert (am2["forecast"]["amountMinor"], am2["accuracy"]) == (2_400_000, 1.0)
    am3 = rows[to_global_id("User", q1_book.users["am3"].id)]  # D lost: nothing forecast, nothing to measure
    assert (am3["forecast"]["amountMinor"], am3["accuracy"]) == (0, None)


TEAM_PAGE = """
query ($director: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  teamMetrics(managerId: $director, period: "2026-Q1", first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { user { name } } }
  }
}
"""


async def test_team_metrics_is_a_connection_paged_with_cursors(graphql: GraphQLClient, q1_book: Q1Book) -> None:
    director = to_global_id("User", q1_book.users["director"].id)

    async def page(**arguments: object) -> dict[str, Any]:
        return (await graphql.data(TEAM_PAGE, {"director": director, **arguments}))["teamMetrics"]

    whole = [edge["node"]["user"]["name"] for edge in (await page(first=10))["edges"]]
    assert len(whole) == 4 and whole == sorted(whole)
    first = await page(first=3)
    assert [edge["node"]["user"]["name"] for edge in first["edges"]] == whole[:3]
    assert (first["pageInfo"]["hasNextPage"], first["pageInfo"]["hasPreviousPage"]) == (True, False)
    rest = await page(first=3, after=first["pageInfo"]["endCursor"])
    assert [edge["node"]["user"]["name"] for edge in rest["edges"]] == whole[3:]
    assert (rest["totalCount"], rest["pageInfo"]["hasNextPage"], rest["pageInfo"]["hasPreviousPage"]) == (
        4,
        False,
        True,
    )
    back = await page(last=2, before=rest["pageInfo"]["startCursor"])
    assert [edge["node"]["user"]["name"] for edge in back["edges"]] == whole[1:3]
    refused = await graphql.execute(TEAM_PAGE, {"director": director, "after": "bm90LWEtcm93"})
    assert refused["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"
