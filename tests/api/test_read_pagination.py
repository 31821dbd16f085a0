"""Keyset pagination of the accounts list: every order, both directions, every account exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from acctgraph import models as m
from acctgraph.graphql.ids import to_global_id
from tests.conftest import GraphQLClient
from tests.fixtures import TODAY, SampleData

PAGE = """
query Page($first: Int, $after: String, $last: Int, $before: String, $order: AccountOrder) {
  accounts(first: $first, after: $after, last: $last, before: $before, orderBy: $order) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id name } }
  }
}
"""

ORDERS = [
    (field, direction)
    for field in ("NAME", "ARR", "HEALTH_SCORE", "RENEWAL_DATE", "UPDATED_AT")
    for direction in ("ASC", "DESC")
]


def book_with_ties_and_gaps(sample: SampleData) -> int:
    """23 accounts: equal ARRs, equal names but for case, and some without health or renewal."""
    for index in range(23):
        account = sample.account(name=f"{'acme' if index % 2 else 'Acme'} {index % 5}")
        if index % 3:
            sample.contract(account, mrr_minor=1000 * (index % 4), end_date=TODAY + timedelta(days=index % 6))
        if index % 4:
            sample.health(account, score=50 + index % 3, band=m.HealthBand.YELLOW)
    sample.session.commit()
    return 23


async def walk(graphql: GraphQLClient, order: dict[str, str], forward: bool, size: int) -> list[str]:
    ids: list[str] = []
    cursor = None
    while True:
        variables = {
            "order": order,
            **({"first": size, "after": cursor} if forward else {"last": size, "before": cursor}),
        }
        page = (await graphql.data(PAGE, variables))["accounts"]
        edges = page["edges"]
        ids.extend(edge["node"]["id"] for edge in (edges if forward else reversed(edges)))
        more = page["pageInfo"]["hasNextPage" if forward else "hasPreviousPage"]
        if not more:
            return ids if forward else list(reversed(ids))
        cursor = page["pageInfo"]["endCursor" if forward else "startCursor"]


@pytest.mark.parametrize(("field", "direction"), ORDERS)
async def test_walking_all_pages_forward_and_backward_visits_every_account_once(
    graphql: GraphQLClient, sample: SampleData, field: str, direction: str
) -> None:
    total = book_with_ties_and_gaps(sample)
    order = {"field": field, "direction": direction}

    forward = await walk(graphql, order, forward=True, size=4)
    backward = await walk(graphql, order, forward=False, size=5)
    whole = await graphql.data(PAGE, {"first": 100, "order": order})

    assert len(forward) == len(set(forward)) == total
    assert backward == forward
    assert [edge["node"]["id"] for edge in whole["accounts"]["edges"]] == forward
    assert whole["accounts"]["totalCount"] == total


async def test_page_info_and_cursors_of_a_middle_page(graphql: GraphQLClient, sample: SampleData) -> None:
    book_with_ties_and_gaps(sample)
    first = (await graphql.data(PAGE, {"first": 5}))["accounts"]
    second = (await graphql.data(PAGE, {"first": 5, "after": first["pageInfo"]["endCursor"]}))["accounts"]

    assert first["pageInfo"]["hasNextPage"] is True
    assert first["pageInfo"]["hasPreviousPage"] is False
    assert second["pageInfo"]["hasPreviousPage"] is True
    assert second["pageInfo"]["startCursor"] == second["edges"][0]["cursor"]
    assert second["pageInfo"]["endCursor"] == second["edges"][-1]["cursor"]
    assert {edge["node"]["id"] for edge in first["edges"]}.isdisjoint(edge["node"]["id"] for edge in second["edges"])


async def test_an_empty_page_has_no_cursors(graphql: GraphQLClient) -> None:
    page = (await graphql.data(PAGE, {"first": 10}))["accounts"]

    assert page == {
        "totalCount": 0,
        "pageInfo": {"hasNextPage": False, "hasPreviousPage": False, "startCursor": None, "endCursor": None},
        "edges": [],
    }


async def test_names_sort_without_regard_to_case(graphql: GraphQLClient, sample: SampleData) -> None:
    for name in ("beta", "Alpha", "alpha two", "Gamma"):
        sample.account(name=name)
    sample.session.commit()

    page = await graphql.data("{ accounts { nodes { name } } }")

    assert [node["name"] for node in page["accounts"]["nodes"]] == ["Alpha", "alpha two", "beta", "Gamma"]


async def test_an_accounts_quotes_and_plan_goals_are_paged(graphql: GraphQLClient, sample: SampleData) -> None:
    """Lists that grow with an account's life are connections, batched like the others."""
    accounts = [sample.account() for _ in range(2)]
    for account in accounts:
        for _ in range(3):
            sample.quote(account)
        late = sample.plan_item(account, title="Late", due_on=TODAY + timedelta(days=30))
        sample.plan_item(account, title="Undated")
        sample.plan_item(account, title="Soon", due_on=TODAY + timedelta(days=1))
        sample.plan_item(account, kind=m.PlanItemKind.INITIATIVE, goal_id=late.id, title="Step")
    sample.session.commit()
    query = """{ accounts { nodes { quotes(first: 2) { totalCount pageInfo { hasNextPage } nodes { title } }
        plan(first: 2) { totalCount pageInfo { hasNextPage endCursor } nodes { title } } } } }"""
    data = await graphql.data(query)
    for account in data["accounts"]["nodes"]:
        assert account["quotes"]["totalCount"] == 3
        assert len(account["quotes"]["nodes"]) == 2
        assert account["quotes"]["pageInfo"]["hasNextPage"] is True
        assert account["plan"]["totalCount"] == 3
        assert [goal["title"] for goal in account["plan"]["nodes"]] == ["Soon", "Late"]
    statements = len(graphql.statements)
    assert statements <= 6, graphql.statements
    rest = await graphql.data(
        "query($id: ID!, $after: String) { account(id: $id) { plan(first: 2, after: $after) { nodes { title } } } }",
        {
            "id": to_global_id("Account", accounts[0].id),
            "after": data["accounts"]["nodes"][0]["plan"]["pageInfo"]["endCursor"],
        },
    )
    assert [goal["title"] for goal in rest["account"]["plan"]["nodes"]] == ["Undated"]
