"""Compiled reads (``graphql.projection``): byte for byte the resolvers' answers, in one statement.

Every generated ``accounts`` query (random selections, filters, orderings, page sizes and cursors, for
each role) is posted to an app with ``ACCTGRAPH_COMPILED_READS`` on and to one with it off, and the two
response bodies must be equal; the compiled app must have answered most of them in one statement.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine, event, update

from acctgraph import models as m
from acctgraph.settings import Settings
from tests.conftest import GraphQLClient, serving
from tests.fixtures import TODAY, SampleData

SEGMENTS = list(m.Segment)
STAGES = list(m.LifecycleStage)
BANDS = list(m.HealthBand)


def varied_book(sample: SampleData, accounts: int) -> list[m.User]:
    """Accounts over every segment, stage and band, some archived or ownerless, with renewals, health,
    alerts of each status and a few equal names (ties for the keyset); returns the owners."""
    manager = sample.user(role=m.Role.MANAGER)
    owners = [sample.user(manager_id=manager.id), sample.user(manager_id=manager.id), sample.user()]
    for index in range(accounts):
        account = sample.account(
            name=f"Account {index % 17:03d}",
            owner_id=owners[index % 3].id if index % 6 else None,
            segment=SEGMENTS[index % len(SEGMENTS)],
            lifecycle_stage=STAGES[index % len(STAGES)],
            region="EMEA" if index % 2 else None,
            archived_at=datetime.now(UTC) if index % 11 == 0 else None,
        )
        if index % 4:
            sample.contract(account, mrr_minor=1_000_00 * (index % 9 + 1), end_date=TODAY + timedelta(days=10 + index))
        if index % 3:
            sample.health(account, score=(index * 7) % 100, band=BANDS[index % len(BANDS)])
        for status in list(m.AlertStatus)[: index % 4]:
            sample.alert(account, status=status)
    sample.session.commit()
    return [manager, *owners]


NODE_FIELDS = (
    "id",
    "name",
    "segment",
    "industry",
    "region",
    "lifecycleStage",
    "createdAt",
    "updatedAt",
    "archivedAt",
    "version",
    "__typename",
    "isStrategic",
    "owner { id name email role active }",
    "owner { name }",
    "arr { amountMinor currency formatted }",
    "mrr { amountMinor }",
    "health { score band day }",
    "health { score }",
    "nextRenewal { id endDate number status autoRenew }",
    "alerts(statuses: [OPEN], first: 0) { totalCount pageInfo { hasNextPage endCursor } }",
    "alerts(statuses: [OPEN, ACKNOWLEDGED], first: 0) { totalCount }",
    "alerts(first: 0) { totalCount nodes { title } }",
)
ORDER_FIELDS = ("NAME", "ARR", "HEALTH_SCORE", "RENEWAL_DATE", "UPDATED_AT")
FILTERS = (
    "",
    "filter: {segments: [ENTERPRISE, SMB]}",
    "filter: {healthBands: [GREEN, RED]}",
    "filter: {renewalWithinDays: 40}",
    "filter: {minArr: 5000000}",
    "filter: {includeArchived: true}",
    'filter: {search: "account 00"}',
    "filter: {lifecycleStages: [ACTIVE]}",
)


def generated_query(rng: random.Random) -> tuple[str, dict[str, Any]]:
    """One random accounts query, and its variables (the page size, sometimes the ordering)."""
    fields = rng.sample(NODE_FIELDS, rng.randint(1, 6))
    for index, field in enumerate(fields):  # each field once per response key
        if field.startswith(("owner", "health", "alerts")):
            fields[index] = f"f{index}: {field}"
    nodes = " ".join(fields)
    listing = rng.choice(
        [f"nodes {{ {nodes} }}", f"edges {{ cursor node {{ {nodes} }} }}", f"edges {{ node {{ {nodes} }} }}"]
    )
    extra = rng.choice(["", "totalCount", "pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"])
    order = f"orderBy: {{field: {rng.choice(ORDER_FIELDS)}, direction: {rng.choice(['ASC', 'DESC'])}}}"
    arguments = ", ".join(a for a in (rng.choice(FILTERS), order) if a)
    backward = rng.random() < 0.2
    size = "last: $size" if backward else "first: $size"
    query = f"query($size: Int) {{ accounts({size}, {arguments}) {{ {listing} {extra} pageInfo {{ endCursor startCursor }} }} }}"
    return query, {"size": rng.choice([0, 1, 3, 10, 25])}


def next_page(query: str, data: dict[str, Any]) -> str | None:
    """The same query from the end cursor of its answer, if it has one."""
    page_info = data["accounts"]["pageInfo"]
    cursor = page_info["startCursor"] if "last: $size" in query else page_info["endCursor"]
    if cursor is None:
        return None
    where = "before" if "last: $size" in query else "after"
    return query.replace("$size,", f'$size, {where}: "{cursor}",', 1)


@pytest.fixture
async def resolved(api_settings: Settings, engine: Engine) -> AsyncIterator[GraphQLClient]:
    """A client of the same database with compiled reads off: every field through its resolver."""
    async with serving(api_settings.model_copy(update={"compiled_reads": False}), engine) as client:
        yield client


async def both(compiled: GraphQLClient, resolved: GraphQLClient, query: str, variables: dict[str, Any]) -> bytes:
    """The response body, which must be the same from both apps."""
    answer = await compiled.post(query, variables)
    expected = await resolved.post(query, variables)
    assert (answer.status_code, answer.content) == (expected.status_code, expected.content), query
    return answer.content


async def test_generated_queries_answer_byte_for_byte_as_the_resolvers_for_every_role(
    graphql: GraphQLClient, resolved: GraphQLClient, sample: SampleData
) -> None:
    users = varied_book(sample, accounts=60)
    viewer = sample.user(role=m.Role.VIEWER)
    sample.session.commit()
    readers = [(graphql, resolved)] + [
        (graphql.acting_as(user), resolved.acting_as(user)) for user in (users[0], users[1], viewer)
    ]
    rng = random.Random(14)
    single_statement = 0
    for index in range(60):
        compiled, reference = readers[index % len(readers)]
        query, variables = generated_query(rng)
        body = await both(compiled, reference, query, variables)
        single_statement += len(compiled.statements) == 1
        data = orjson.loads(body).get("data")
        follow = data and next_page(query, data)
        if follow:
            await both(compiled, reference, follow, variables)

    assert single_statement >= 40


DASHBOARD = """
{ accounts(first: 100, orderBy: {field: ARR, direction: DESC}) { nodes {
    name owner { name } arr { amountMinor } health { score band } nextRenewal { endDate }
    alerts(statuses: [OPEN], first: 0) { totalCount } } } }
"""


async def test_the_dashboard_is_one_statement_compiled(
    graphql: GraphQLClient, resolved: GraphQLClient, sample: SampleData
) -> None:
    varied_book(sample, accounts=40)

    await both(graphql, resolved, DASHBOARD, {})

    assert len(graphql.statements) == 1
    assert len(resolved.statements) == 2


async def test_health_score_alone_reads_no_measures_and_no_snapshot(
    graphql: GraphQLClient, resolved: GraphQLClient, sample: SampleData
) -> None:
    varied_book(sample, accounts=12)

    await both(graphql, resolved, "{ accounts(first: 20) { nodes { health { score } } } }", {})

    assert len(graphql.statements) == 1
    assert "measures" not in graphql.statements[0]
    assert "health_snapshots" not in graphql.statements[0]
    assert "alerts" not in graphql.statements[0]


FALLBACKS = {
    "a directive": "{ accounts(first: 5) { nodes { name @include(if: true) } } }",
    "a field the read model lacks": "{ accounts(first: 5) { nodes { name domain } } }",
    "a page size over the maximum": "{ accounts(first: 1000) { nodes { name } } }",
    "a cursor of another ordering": '{ accounts(first: 5, after: "eyJvIjoieCIsInYiOltdfQ==") { nodes { name } } }',
    "a negative renewal window": "{ accounts(first: 5, filter: {renewalWithinDays: -1}) { nodes { name } } }",
    "another root field": "{ accounts(first: 5) { nodes { name } } me { user { name } } }",
    "a page of alerts": "{ accounts(first: 5) { nodes { alerts(first: 2) { nodes { title } } } } }",
}


@pytest.mark.parametrize("case", sorted(FALLBACKS))
async def test_what_is_not_covered_runs_through_the_resolvers_with_their_answer(
    case: str, graphql: GraphQLClient, resolved: GraphQLClient, sample: SampleData
) -> None:
    varied_book(sample, accounts=8)

    await both(graphql, resolved, FALLBACKS[case], {})

    assert len(graphql.statements) >= len(resolved.statements)  # the resolvers ran


async def test_a_field_the_policy_refuses_gets_the_resolvers_error(
    graphql: GraphQLClient, resolved: GraphQLClient, sample: SampleData
) -> None:
    varied_book(sample, accounts=5)
    user = sample.user(role=m.Role.ADMIN)
    sample.session.commit()
    integration = graphql.acting_as(user, integration=True)

    body = await both(integration, resolved.acting_as(user, integration=True), DASHBOARD, {})

    assert b"FORBIDDEN" in body


async def test_summaries_of_another_day_are_answered_by_the_resolvers(
    graphql: GraphQLClient, resolved: GraphQLClient, sample: SampleData
) -> None:
    varied_book(sample, accounts=10)
    sample.session.execute(update(m.AccountSummary).values(as_of=TODAY - timedelta(days=1), mrr_minor=1, arr_minor=12))
    sample.session.commit()

    body = await both(graphql, resolved, DASHBOARD, {})

    assert b'"amountMinor":12,' not in body
    assert len(graphql.statements) > 1


@contextmanager
def each_statement(describe: Callable[[Any], str]) -> Iterator[list[str]]:
    """``describe(connection)`` for each statement any engine runs but authentication's own (as in the
    statement counts)."""
    seen: list[str] = []

    def record(connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "api_keys" not in statement:
            seen.append(describe(connection))

    event.listen(Engine, "after_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "after_cursor_execute", record)


def transaction_states() -> AbstractContextManager[list[str]]:
    """The PostgreSQL transaction status after each statement (``IDLE``: not in one)."""
    return each_statement(lambda connection: connection.connection.driver_connection.info.transaction_status.name)


async def test_a_compiled_read_runs_outside_a_transaction_and_a_fallback_inside_one(
    graphql: GraphQLClient, resolved: GraphQLClient, sample: SampleData
) -> None:
    if sample.session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite's driver begins no transaction for a read: there is no BEGIN to save")
    varied_book(sample, accounts=10)

    with transaction_states() as compiled:
        await both(graphql, resolved, DASHBOARD, {})
    sample.session.execute(update(m.AccountSummary).values(as_of=TODAY - timedelta(days=1)))
    sample.session.commit()
    with transaction_states() as fallback:
        await graphql.post(DASHBOARD)

    assert compiled[0] == "IDLE"  # the compiled app's one statement: no BEGIN before it, no ROLLBACK after
    assert compiled[1:] == ["INTRANS"] * (len(compiled) - 1)  # the resolvers' app, in a transaction
    assert fallback[0] == "IDLE" and len(fallback) > 1
    assert set(fallback[1:]) == {"INTRANS"}  # the resolvers after a fallback run in a transaction


async def test_the_same_document_with_other_variables_gets_its_own_statement(
    graphql: GraphQLClient, resolved: GraphQLClient, sample: SampleData
) -> None:
    varied_book(sample, accounts=12)
    query = "query($n: Int!) { accounts(first: $n) { nodes { name } } }"

    sizes = []
    for n in (3, 5, 3, 7):
        body = await both(graphql, resolved, query, {"n": n})
        sizes.append(len(orjson.loads(body)["data"]["accounts"]["nodes"]))

    assert sizes == [3, 5, 3, 7]


async def test_on_sqlite_a_compiled_read_runs_on_the_blocking_engine(
    graphql: GraphQLClient, resolved: GraphQLClient, sample: SampleData
) -> None:
    if sample.session.get_bind().dialect.name != "sqlite":
        pytest.skip("PostgreSQL's reads all go through the asyncio engine")
    varied_book(sample, accounts=10)

    with each_statement(lambda connection: connection.engine.url.drivername) as drivers:
        await both(graphql, resolved, DASHBOARD, {})

    assert drivers[0] == "sqlite+pysqlite"  # the compiled app's one statement, in the execution thread
    assert set(drivers[1:]) == {"sqlite+aiosqlite"}  # the resolvers' app
