"""triggerSync queues a sync; `acctgraph sync worker` runs the queue: requests, dedup, runs and failures."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from acctgraph import models as m
from acctgraph.graphql.ids import to_global_id
from acctgraph.integration.worker import run_requested_syncs
from tests.conftest import GraphQLClient
from tests.integration.conftest import add_csv_connection, csv_connectors

TRIGGER = """
mutation($input: TriggerSyncInput!) {
  triggerSync(input: $input) { syncRequest { id streams fullRefresh claimedAt } userErrors { field code message } }
}
"""


def connection_id(session: Session, name: str = "sheet") -> str:
    connection = session.scalars(select(m.Connection).where(m.Connection.name == name)).one()
    return to_global_id("DataSource", connection.id)


async def test_an_integration_key_queues_a_sync_that_the_worker_runs(
    graphql: GraphQLClient, engine: Engine, session: Session, csv_dir: Path
) -> None:
    add_csv_connection(engine, csv_dir)
    integration = graphql.acting_as(role=m.Role.ADMIN, integration=True)
    variables = {"input": {"connectionId": connection_id(session), "streams": ["accounts"]}}

    first = (await integration.data(TRIGGER, variables))["triggerSync"]
    again = (await integration.data(TRIGGER, variables))["triggerSync"]
    done = run_requested_syncs(engine, csv_connectors()[1])

    assert first["userErrors"] == [] and first["syncRequest"]["claimedAt"] is None
    assert again["syncRequest"]["id"] == first["syncRequest"]["id"]
    [request] = done
    assert request.error is None and request.sync_run_id is not None
    run = session.get_one(m.SyncRun, request.sync_run_id)
    assert run.status is m.SyncRunStatus.SUCCEEDED
    assert [stream.stream for stream in run.streams] == ["accounts"]
    assert session.scalar(select(m.Account).where(m.Account.name == "Account 7")) is not None
    assert run_requested_syncs(engine, csv_connectors()[1]) == []


async def test_a_request_the_worker_cannot_start_records_why(
    graphql: GraphQLClient, engine: Engine, session: Session, csv_dir: Path
) -> None:
    add_csv_connection(engine, csv_dir)
    variables = {"input": {"connectionId": connection_id(session), "streams": ["no_such_stream"]}}
    await graphql.data(TRIGGER, variables)

    [request] = run_requested_syncs(engine, csv_connectors()[1])

    assert request.sync_run_id is None
    assert "no_such_stream" in request.error


async def test_users_other_than_admins_may_not_trigger_syncs(
    graphql: GraphQLClient, engine: Engine, session: Session, csv_dir: Path
) -> None:
    add_csv_connection(engine, csv_dir)
    manager = graphql.acting_as(role=m.Role.MANAGER)

    result = await manager.execute(TRIGGER, {"input": {"connectionId": connection_id(session)}})

    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert session.scalar(select(m.SyncRequest)) is None
