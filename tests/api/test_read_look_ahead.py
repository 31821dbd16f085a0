"""The accounts look-ahead (``graphql.planner``): what a page's nodes select is fetched with the page, gives
the same answers as the DataLoaders, and fetches nothing that was not selected."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from acctgraph import models as m
from tests.conftest import GraphQLClient
from tests.fixtures import TODAY, SampleData

DASHBOARD = """
query($first: Int!) {
  accounts(first: $first, orderBy: {field: ARR, direction: DESC}) { nodes {
    id name owner { name } arr { amountMinor } health { score band } nextRenewal { id endDate }
    alerts(statuses: [OPEN], first: 0) { totalCount pageInfo { hasNextPage } } } }
}
"""

ONE_ACCOUNT = """
query($id: ID!) {
  account(id: $id) {
    id name owner { name } arr { amountMinor } health { score band } nextRenewal { id endDate }
    alerts(statuses: [OPEN], first: 0) { totalCount pageInfo { hasNextPage } } }
}
"""


def dashboard_book(sample: SampleData, accounts: int) -> None:
    """Accounts with and without an owner, health (an older and a newer snapshot), renewals and alerts."""
    owners = [sample.user(), sample.user()]
    for index in range(accounts):
        account = sample.account(owner_id=owners[index % 2].id if index % 5 else None)
        if index % 4:
            sample.contract(account, mrr_minor=1_000_00 * (index + 1), end_date=TODAY + timedelta(days=30 + index))
            sample.contract(account, mrr_minor=500_00, end_date=TODAY + timedelta(days=400))
        if index % 3:
            sample.health(account, score=90, band=m.HealthBand.GREEN, day=TODAY - timedelta(days=1))
            sample.health(account, score=index % 100, band=m.HealthBand.RED, measures={"measures": [{"key": "x"}]})
        for _ in range(index % 3):
            sample.alert(account)
        if index % 7 == 0:
            sample.alert(account, status=m.AlertStatus.RESOLVED)
    sample.session.commit()


async def test_dashboard_page_is_planned_into_the_same_few_statements_for_5_and_100_accounts(
    graphql: GraphQLClient, sample: SampleData
) -> None:
    dashboard_book(sample, accounts=100)

    small = await graphql.data(DASHBOARD, {"first": 5})
    small_count = len(graphql.statements)
    large = await graphql.data(DASHBOARD, {"first": 100})
    large_count = len(graphql.statements)

    assert len(small["accounts"]["nodes"]) == 5
    assert len(large["accounts"]["nodes"]) == 100
    # compiled (graphql.projection): one statement, the page as JSON with its owner and next renewal
    # joined, MRR, latest health and the open-alert count read from the read model, and the read model's
    # missing-rates check for the ARR order: 1 whatever the size.
    assert small_count == large_count == 1


async def test_planned_fields_equal_what_the_loaders_give_for_each_account(
    graphql: GraphQLClient, sample: SampleData
) -> None:
    dashboard_book(sample, accounts=30)

    planned = (await graphql.data(DASHBOARD, {"first": 30}))["accounts"]["nodes"]
    loaded = [(await graphql.data(ONE_ACCOUNT, {"id": node["id"]}))["account"] for node in planned]

    assert planned == loaded
    assert {node["alerts"]["totalCount"] for node in planned} == {0, 1, 2}
    assert any(node["health"] is None for node in planned)
    assert any(node["owner"] is None for node in planned)
    assert any(node["nextRenewal"] is None for node in planned)


async def test_health_score_alone_does_not_read_the_measures_document(
    graphql: GraphQLClient, sample: SampleData
) -> None:
    dashboard_book(sample, accounts=10)

    scores = await graphql.data("{ accounts(first: 10) { nodes { health { score } } } }")
    score_statements = list(graphql.statements)
    measures = await graphql.data("{ accounts(first: 10) { nodes { health { score measures { key } } } } }")
    measure_statements = list(graphql.statements)

    assert [node["health"] for node in scores["accounts"]["nodes"]].count(None) == 4
    assert not any("measures" in statement for statement in score_statements)
    assert any("measures" in statement for statement in measure_statements)
    assert [node["health"] and node["health"]["score"] for node in measures["accounts"]["nodes"]] == [
        node["health"] and node["health"]["score"] for node in scores["accounts"]["nodes"]
    ]


async def test_alerts_not_asked_are_not_counted_and_a_page_of_alerts_is_loaded(
    graphql: GraphQLClient, sample: SampleData
) -> None:
    dashboard_book(sample, accounts=10)

    await graphql.data("{ accounts(first: 10) { nodes { name } } }")
    names_only = list(graphql.statements)
    paged = await graphql.data(
        "{ accounts(first: 10) { nodes { alerts(statuses: [OPEN], first: 1) { totalCount nodes { title } } } } }"
    )

    assert not any("alerts" in statement for statement in names_only)
    counts = [node["alerts"]["totalCount"] for node in paged["accounts"]["nodes"]]
    assert [len(node["alerts"]["nodes"]) for node in paged["accounts"]["nodes"]] == [min(c, 1) for c in counts]


async def test_fragments_and_aliases_are_planned_like_plain_fields(graphql: GraphQLClient, sample: SampleData) -> None:
    dashboard_book(sample, accounts=20)
    plain = await graphql.data(DASHBOARD, {"first": 20})
    with_fragments = await graphql.data(
        """
        fragment Row on Account { id name manager: owner { name } arr { amountMinor } ...Renewal
          health { score band } open: alerts(statuses: [OPEN], first: 0) { totalCount pageInfo { hasNextPage } } }
        fragment Renewal on Account { nextRenewal { id endDate } }
        query($first: Int!) { accounts(first: $first, orderBy: {field: ARR, direction: DESC}) {
          edges { node { ...Row } } } }
        """,
        {"first": 20},
    )

    renamed = [
        {
            **{key: value for key, value in edge["node"].items() if key not in ("manager", "open")},
            "owner": edge["node"]["manager"],
            "alerts": edge["node"]["open"],
        }
        for edge in with_fragments["accounts"]["edges"]
    ]
    assert renamed == plain["accounts"]["nodes"]
    assert len(graphql.statements) == 1


async def test_summaries_of_an_earlier_day_are_not_served_for_what_depends_on_the_day(
    graphql: GraphQLClient, sample: SampleData
) -> None:
    dashboard_book(sample, accounts=12)
    sample.session.execute(update(m.AccountSummary).values(as_of=TODAY - timedelta(days=1), mrr_minor=1, arr_minor=12))
    sample.session.commit()

    planned = (await graphql.data(DASHBOARD, {"first": 12}))["accounts"]["nodes"]
    loaded = [(await graphql.data(ONE_ACCOUNT, {"id": node["id"]}))["account"] for node in planned]

    assert planned == loaded
    assert 12 not in {node["arr"]["amountMinor"] for node in planned}
