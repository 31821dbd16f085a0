"""Batched loading: a request issues the same number of SQL statements whatever the page size."""

from __future__ import annotations

from acctgraph import models as m
from tests.conftest import GraphQLClient
from tests.fixtures import SampleData

BOOK_PAGE = """
query($first: Int!) {
  accounts(first: $first, orderBy: {field: ARR, direction: DESC}) {
    totalCount
    edges {
      cursor
      node {
        name domain isStrategic arr { amountMinor formatted }
        owner { name manager { name } }
        contacts(first: 10) { totalCount nodes { name reportsTo { name } } }
        contracts(first: 5) { nodes { number mrr { amountMinor } lines { quantity product { sku } } } }
        health { score band measures { key } }
        nextRenewal { endDate }
      }
    }
  }
}
"""


def large_book(sample: SampleData, accounts: int) -> None:
    manager = sample.user(role=m.Role.MANAGER)
    owners = [sample.user(manager_id=manager.id) for _ in range(7)]
    products = [sample.product() for _ in range(3)]
    for index in range(accounts):
        account = sample.account(owner_id=owners[index % 7].id)
        champion = sample.contact(account)
        sample.contact(account, reports_to_id=champion.id)
        contract = sample.contract(account, mrr_minor=100_00 * (index + 1), product=products[index % 3])
        sample.line(contract, product=products[(index + 1) % 3])
        sample.health(account, score=index % 100, band=m.HealthBand.GREEN)
    sample.session.commit()


async def test_a_page_of_5_and_a_page_of_100_issue_the_same_statements(
    graphql: GraphQLClient, sample: SampleData
) -> None:
    large_book(sample, accounts=100)

    small = await graphql.data(BOOK_PAGE, {"first": 5})
    small_count = len(graphql.statements)
    large = await graphql.data(BOOK_PAGE, {"first": 100})
    large_count = len(graphql.statements)

    assert len(small["accounts"]["edges"]) == 5
    assert len(large["accounts"]["edges"]) == 100
    assert all(len(edge["node"]["contracts"]["nodes"][0]["lines"]) == 2 for edge in large["accounts"]["edges"])
    # rates for the ARR order (the read model's check), accounts with their owners, next renewals and MRR
    # (planned: joined, MRR from the read model), count, domains, managers, contacts, contact counts,
    # reports-to, contracts, lines, products, health (its measures are asked: loaded): 12, independent of
    # the page size.
    assert small_count == large_count == 12


TO_DO_PAGE = """
query($first: Int!) {
  me { tasks(first: $first, scope: TEAM) {
    totalCount
    nodes { title overdue origin owner { name } account { name owner { name } tasks(first: 3) { nodes { title } } }
            createdBy { name } alert { title } qbr { subject } opportunity { name } npsResponse { score }
            playbookRun { trigger startedBy { name } tasks(first: 3) { nodes { title } } }
            account { playbookRuns(first: 2) { totalCount nodes { playbook alert { title } } } } }
  } }
}
"""


async def test_a_to_do_page_of_5_and_of_100_issue_the_same_statements(
    graphql: GraphQLClient, sample: SampleData
) -> None:
    manager = sample.user(role=m.Role.MANAGER)
    reports = [sample.user(manager_id=manager.id) for _ in range(4)]
    for index in range(100):
        account = sample.account(owner_id=reports[index % 4].id)
        qbr = sample.activity(account, kind=m.ActivityKind.QBR)
        alert = sample.alert(account)
        run = sample.playbook_run(account, alert_id=alert.id, started_by_id=manager.id)
        sample.task(account, qbr_id=qbr.id, alert_id=alert.id, created_by_id=manager.id, playbook_run_id=run.id)
    sample.session.commit()
    client = graphql.acting_as(manager)

    small = await client.data(TO_DO_PAGE, {"first": 5})
    small_count = len(client.statements)
    large = await client.data(TO_DO_PAGE, {"first": 100})
    large_count = len(client.statements)

    assert len(small["me"]["tasks"]["nodes"]) == 5
    assert len(large["me"]["tasks"]["nodes"]) == 100
    assert all(node["qbr"] and node["alert"] and node["playbookRun"] for node in large["me"]["tasks"]["nodes"])
    # users (batched), tasks, count, accounts, the accounts' tasks, alerts, QBRs, playbook runs, the runs'
    # tasks, the accounts' runs and their count...: 12, independent of the page size.
    assert small_count == large_count == 12


async def test_total_count_alone_runs_one_count_and_no_page(graphql: GraphQLClient, sample: SampleData) -> None:
    large_book(sample, accounts=30)

    data = await graphql.data(
        "{ accounts(first: 10, orderBy: {field: HEALTH_SCORE, direction: DESC}) { totalCount __typename } }"
    )
    statements = list(graphql.statements)
    with_fragment = await graphql.data("{ accounts(first: 10) { ... on AccountConnection { totalCount } } }")

    assert data["accounts"]["totalCount"] == 30
    assert with_fragment["accounts"]["totalCount"] == 30
    assert len(statements) == 1
    assert "count(" in statements[0].lower()
    assert "limit" not in statements[0].lower()


async def test_total_count_with_nodes_still_fetches_the_page(graphql: GraphQLClient, sample: SampleData) -> None:
    large_book(sample, accounts=12)

    data = await graphql.data("{ accounts(first: 5) { totalCount nodes { name } } }")

    assert data["accounts"]["totalCount"] == 12
    assert len(data["accounts"]["nodes"]) == 5
    assert len(graphql.statements) == 2
