"""The cost limit: a query that may return too many objects is refused before any SQL runs."""

from __future__ import annotations

import pytest
from graphql import OperationDefinitionNode, parse

from acctgraph.graphql.cost import QueryCost
from acctgraph.graphql.schema import build_schema
from acctgraph.settings import Settings
from tests.api.test_read_statement_count import BOOK_PAGE, large_book

ISSUE_QUERY = """{ accounts(first:100){nodes{owner{accounts(first:100){nodes{owner{accounts(first:100){nodes{
    name contacts(first:100){nodes{name}}}}}}}}}} }"""
ISSUE_QUERY_COST = 100 + 100 * 100 + 100**3 + 100**4
"""Three nested pages of 100 accounts, then 100 contacts under each: nodes per level, summed."""

SETTINGS = Settings(_env_file=None)


def cost(document: str, variables: dict | None = None, settings: Settings = SETTINGS) -> int:
    parsed = parse(document)
    schema = build_schema(settings)._schema
    (operation,) = [d for d in parsed.definitions if isinstance(d, OperationDefinitionNode)]
    return QueryCost(schema, parsed, variables, settings).operation(operation)


def test_the_issue_query_costs_each_level_of_nodes() -> None:
    assert cost(ISSUE_QUERY) == ISSUE_QUERY_COST == 101_010_100


def test_cost_counts_pages_lists_ranges_aliases_and_fragments() -> None:
    default = SETTINGS.default_page_size
    assert cost("{ me { role } }") == 0
    assert cost("{ accounts { nodes { name } } }") == default
    assert cost("{ accounts(last: 7) { edges { node { name } } pageInfo { hasNextPage } } }") == 7
    assert cost("query($n: Int) { accounts(first: $n) { nodes { name } } }", {"n": 3}) == 3
    assert cost("{ a: accounts(first: 3) { nodes { name } } b: accounts(first: 4) { nodes { name } } }") == 7
    assert cost("{ accounts(first: 2) { nodes { contacts(first: 5) { nodes { name } } } } }") == 2 + 2 * 5
    ranged = '{ accounts(first: 2) { nodes { usage(metric: "x", from: "2026-01-01", to: "2026-01-31") { value } } } }'
    assert cost(ranged) == 2 + 2 * 31
    assert cost('{ accounts(first: 2) { nodes { usage(metric: "x") { value } } } }') == 2 + 2 * 91
    fragment = (
        "fragment F on Account { contacts(first: 3) { nodes { name } } } { accounts(first: 2) { nodes { ...F } } }"
    )
    assert cost(fragment) == 2 + 2 * 3
    inline = '{ nodes(ids: ["a", "b"]) { ... on Account { contacts(first: 4) { nodes { name } } } } }'
    assert cost(inline) == 2 + 2 * 4
    tree = '{ account(id: "x") { relationshipMap { reports { reports { reports { contact { name } } } } } } }'
    assert cost(tree) == default
    bounded_tree = "{ accounts(first: 10) { nodes { relationshipMap(first: 50) { reports { contact { name } } } } } }"
    assert cost(bounded_tree) == 10 + 10 * 50
    assert cost(
        "{ accounts(first: 2) { nodes { quotes(first: 3) { nodes { lines { quantity } } } } } }"
    ) == 2 + 2 * 3 * (1 + default)


async def test_the_issue_query_is_refused_before_any_sql(graphql) -> None:
    result = await graphql.execute(ISSUE_QUERY)
    (error,) = result["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert "101,010,100" in error["message"]
    assert "50,000" in error["message"]
    assert result.get("data") is None
    assert graphql.statements == []


async def test_a_full_page_of_the_book_is_within_the_budget(graphql, sample) -> None:
    large_book(sample, 3)
    result = await graphql.execute(BOOK_PAGE, {"first": 100})
    assert "errors" not in result, result
    assert len(result["data"]["accounts"]["edges"]) == 3
    assert cost(BOOK_PAGE, {"first": 100}) == 13_600 < SETTINGS.max_query_cost


class TestABudgetOf30:
    @pytest.fixture
    def api_settings(self, db_url: str) -> Settings:
        return Settings(database_url=db_url, max_query_cost=30, _env_file=None)

    async def test_the_budget_is_a_setting(self, graphql) -> None:
        assert (await graphql.execute("{ accounts(first: 30) { totalCount } }")).get("errors") is None
        refused = await graphql.execute("{ accounts(first: 31) { totalCount } }")
        assert refused["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
        assert "31 objects" in refused["errors"][0]["message"]
        assert graphql.statements == []
