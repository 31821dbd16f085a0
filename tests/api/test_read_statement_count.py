"""Batched loading: a request issues the same number of SQL statements whatever the page size."""

from __future__ import annotations

from datetime import date, timedelta

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


async def test_total_count_with_nodes_fetches_the_page_and_the_count_in_one_statement(
    graphql: GraphQLClient, sample: SampleData
) -> None:
    large_book(sample, accounts=12)

    data = await graphql.data("{ accounts(first: 5) { totalCount nodes { name } } }")

    assert data["accounts"]["totalCount"] == 12
    assert len(data["accounts"]["nodes"]) == 5
    assert len(graphql.statements) == 1  # compiled (graphql.projection): the page as JSON, with its count
    assert "count(" in graphql.statements[0].lower()
    assert "limit" in graphql.statements[0].lower()


HISTORY_PAGE = """
query($first: Int!) {
  users(first: $first) { nodes { name reports(first: 5) { totalCount nodes { name } } } }
  accounts(first: $first) {
    nodes {
      name ownerHistory(first: 3) { totalCount nodes { reason toOwner { name } } }
      relationshipMap(first: 5) { contact { name } reports { contact { name } } }
    }
  }
}
"""


async def test_reports_and_owner_histories_are_connections_batched_whatever_the_page_size(
    graphql: GraphQLClient, sample: SampleData
) -> None:
    managers = [sample.user(role=m.Role.MANAGER) for _ in range(30)]
    for manager in managers:
        for _ in range(2):
            sample.user(manager_id=manager.id)
    for index in range(30):
        account = sample.account(owner_id=managers[index].id)
        sample.contact(account, reports_to_id=sample.contact(account).id)
        for moved_to in (managers[(index + 1) % 30], managers[index]):
            sample.session.add(
                m.OwnershipChange(
                    account_id=account.id,
                    to_owner_id=moved_to.id,
                    effective_on=account.created_at.date(),
                    reason="rebalancing",
                    applied_at=account.created_at,
                )
            )
    sample.session.commit()

    small = await graphql.data(HISTORY_PAGE, {"first": 5})
    small_count = len(graphql.statements)
    large = await graphql.data(HISTORY_PAGE, {"first": 100})
    large_count = len(graphql.statements)

    assert len(small["accounts"]["nodes"]) == 5
    assert len(large["accounts"]["nodes"]) == 30
    assert all(node["ownerHistory"]["totalCount"] == 2 for node in large["accounts"]["nodes"])
    assert all(len(node["relationshipMap"][0]["reports"]) == 1 for node in large["accounts"]["nodes"])
    assert sum(node["reports"]["totalCount"] for node in large["users"]["nodes"]) == 60
    # users, their count, reports, report counts, accounts, account count, histories, history counts,
    # the histories' new owners, stakeholders: the same for a page of 5 and of 100.
    assert small_count == large_count


WRITEBACKS_PAGE = """
query($first: Int!) {
  crmWritebacks(first: $first, statuses: [REFUSED]) {
    totalCount
    nodes { entity status attempts error externalId connection { name } }
  }
  accounts(first: $first) {
    nodes { activities(first: 2) { nodes { subject crmWriteback { status error connection { name } } } } }
  }
}
"""


async def test_a_write_back_page_of_5_and_of_100_issue_the_same_statements(
    graphql: GraphQLClient, sample: SampleData
) -> None:
    crm = sample.connection(name="crm", connector="salesforce")
    for index in range(100):
        account = sample.account()
        activity = sample.activity(account)
        sample._add(
            m.CrmWriteback(
                entity=m.WritebackEntity.ACTIVITY,
                entity_id=activity.id,
                account_id=account.id,
                connection_id=crm.id,
                status=m.WritebackStatus.REFUSED,
                attempts=1,
                last_error=f"REQUIRED_FIELD_MISSING: field {index}",
            )
        )
    sample.session.commit()

    small = await graphql.data(WRITEBACKS_PAGE, {"first": 5})
    small_count = len(graphql.statements)
    large = await graphql.data(WRITEBACKS_PAGE, {"first": 100})
    large_count = len(graphql.statements)

    assert len(small["crmWritebacks"]["nodes"]) == 5
    assert len(large["crmWritebacks"]["nodes"]) == 100
    shown = [a["crmWriteback"] for node in large["accounts"]["nodes"] for a in node["activities"]["nodes"]]
    assert len(shown) == 100
    assert all(w["status"] == "REFUSED" and w["connection"]["name"] == "crm" for w in shown)
    # write-backs, their count, connections, accounts, their activities, the activities' write-backs: 6,
    # independent of the page size.
    assert small_count == large_count == 6


PROMOTIONS_PAGE = """
query($first: Int!) {
  promotions(first: $first) {
    totalCount
    nodes { name brands { brand { name } targets { outcome account { name owner { name } } } } }
  }
}
"""


async def test_a_promotions_page_of_5_and_of_100_issue_the_same_statements(
    graphql: GraphQLClient, sample: SampleData
) -> None:
    owner = sample.user()
    parents = [sample.account(owner_id=owner.id) for _ in range(3)]
    for index in range(100):
        promotion = sample._add(
            m.Promotion(name=f"Offer {index}", offer="x", starts_on=sample_day(index), ends_on=sample_day(index))
        )
        for brand in range(2):
            account = sample.account(owner_id=owner.id, parent_id=parents[brand].id if brand else None)
            sample._add(
                m.PromotionTarget(
                    promotion_id=promotion.id,
                    account_id=account.id,
                    promotion_key=f"offer {index}",
                    month=sample_day(index).replace(day=1),
                )
            )
    sample.session.commit()

    small = await graphql.data(PROMOTIONS_PAGE, {"first": 5})
    small_count = len(graphql.statements)
    large = await graphql.data(PROMOTIONS_PAGE, {"first": 100})
    large_count = len(graphql.statements)

    assert (len(small["promotions"]["nodes"]), len(large["promotions"]["nodes"])) == (5, 100)
    assert all(len(node["brands"]) == 2 for node in large["promotions"]["nodes"])
    # promotions, count, targets, target accounts, brand accounts, owners: 6, independent of the page size.
    assert small_count == large_count == 6


def sample_day(index: int) -> date:
    return date(2026, 1, 1) + timedelta(days=index)
