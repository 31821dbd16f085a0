"""triggerSync records a sync request and enqueues its job; the job engine runs it: dedup, runs, failures."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from acctgraph import models as m
from acctgraph.graphql.ids import to_global_id
from acctgraph.jobs.queue import job_queue
from acctgraph.jobs.worker import run_queued_jobs
from acctgraph.settings import Settings
from tests.conftest import GraphQLClient
from tests.integration.conftest import add_csv_connection

TRIGGER = """
mutation($input: TriggerSyncInput!) {
  triggerSync(input: $input) { syncRequest { id streams fullRefresh claimedAt } userErrors { field code message } }
}
"""


def connection_id(session: Session, name: str = "sheet") -> str:
    connection = session.scalars(select(m.Connection).where(m.Connection.name == name)).one()
    return to_global_id("DataSource", connection.id)


async def test_an_integration_key_queues_a_sync_that_the_worker_runs(
    graphql: GraphQLClient, engine: Engine, session: Session, csv_dir: Path, job_settings: Settings
) -> None:
    add_csv_connection(engine, csv_dir)
    integration = graphql.acting_as(role=m.Role.ADMIN, integration=True)
    variables = {"input": {"connectionId": connection_id(session), "streams": ["accounts"]}}

    first = (await integration.data(TRIGGER, variables))["triggerSync"]
    again = (await integration.data(TRIGGER, variables))["triggerSync"]
    waiting = job_queue(job_settings).huey.pending_count()
    ran = run_queued_jobs(job_settings)

    assert first["userErrors"] == [] and first["syncRequest"]["claimedAt"] is None
    assert again["syncRequest"]["id"] == first["syncRequest"]["id"]
    assert waiting == 1, "the second trigger of a waiting request enqueued a second task"
    assert ran == 1
    session.expire_all()
    request = session.scalars(select(m.SyncRequest)).one()
    assert request.error is None and request.claimed_at is not None
    assert request.sync_run_id is not None
    run = session.get_one(m.SyncRun, request.sync_run_id)
    assert run.status is m.SyncRunStatus.SUCCEEDED
    assert [stream.stream for stream in run.streams] == ["accounts"]
    assert session.scalar(select(m.Account).where(m.Account.name == "Account 7")) is not None
    job_run = session.scalars(select(m.JobRun)).one()
    assert (job_run.job, job_run.status, job_run.attempts) == ("sync-connection", m.JobRunStatus.SUCCEEDED, 1)
    assert run_queued_jobs(job_settings) == 0


async def test_a_request_the_worker_cannot_start_records_why(
    graphql: GraphQLClient, engine: Engine, session: Session, csv_dir: Path, job_settings: Settings
) -> None:
    add_csv_connection(engine, csv_dir)
    variables = {"input": {"connectionId": connection_id(session), "streams": ["no_such_stream"]}}
    await graphql.data(TRIGGER, variables)

    run_queued_jobs(job_settings)

    session.expire_all()
    request = session.scalars(select(m.SyncRequest)).one()
    assert request.sync_run_id is None
    assert "no_such_stream" in (request.error or "")
    job_run = session.scalars(select(m.JobRun)).one()
    assert job_run.status is m.JobRunStatus.FAILED
    assert job_run.attempts == 1, "an unknown stream cannot be fixed by retrying"
    assert "no_such_stream" in (job_run.error or "")


async def test_users_other_than_admins_may_not_trigger_syncs(
    graphql: GraphQLClient, engine: Engine, session: Session, csv_dir: Path, job_settings: Settings
) -> None:
    add_csv_connection(engine, csv_dir)
    manager = graphql.acting_as(role=m.Role.MANAGER)

    result = await manager.execute(TRIGGER, {"input": {"connectionId": connection_id(session)}})

    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert session.scalar(select(m.SyncRequest)) is None
    assert session.scalar(select(func.count()).select_from(m.JobRun)) == 0
    assert job_queue(job_settings).huey.pending_count() == 0
