"""GraphQL: a data source's schedule (read and set by admins) and the admins' ``jobs`` query."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from acctgraph import models as m
from acctgraph.graphql.ids import to_global_id
from acctgraph.jobs.connection_schedules import set_connection_schedule
from tests.conftest import GraphQLClient
from tests.fixtures import SampleData

SET_SCHEDULE = """
mutation($input: SetDataSourceScheduleInput!) {
  setDataSourceSchedule(input: $input) {
    dataSource { name schedule nextSyncAt }
    userErrors { field code message }
  }
}
"""
CONNECTIONS = "{ connections { nodes { name schedule nextSyncAt } } }"
JOBS = "{ jobs { name job schedule enabled connectionName nextRunAt lastRunAt lastStatus lastError lastOutcome } }"


async def test_an_admin_schedules_a_data_source_and_reads_it_back(graphql: GraphQLClient, sample: SampleData) -> None:
    connection = sample.connection(name="hubspot-eu")
    sample.session.commit()
    variables = {"input": {"connectionId": to_global_id("DataSource", connection.id), "schedule": " 15M "}}
    before = datetime.now(UTC)

    result = (await graphql.data(SET_SCHEDULE, variables))["setDataSourceSchedule"]
    listed = (await graphql.data(CONNECTIONS))["connections"]["nodes"]

    assert result["userErrors"] == []
    assert result["dataSource"]["schedule"] == "15m"
    assert listed == [result["dataSource"]]
    due = datetime.fromisoformat(listed[0]["nextSyncAt"])
    assert before - timedelta(seconds=1) <= due <= datetime.now(UTC), "a new schedule is due at once"


async def test_a_schedule_that_is_neither_interval_nor_cron_changes_nothing(
    graphql: GraphQLClient, sample: SampleData, session: Session
) -> None:
    connection = sample.connection()
    sample.session.commit()
    variables = {"input": {"connectionId": to_global_id("DataSource", connection.id), "schedule": "every tuesday"}}

    result = (await graphql.data(SET_SCHEDULE, variables))["setDataSourceSchedule"]

    assert result["dataSource"] is None
    [error] = result["userErrors"]
    assert (error["field"], error["code"]) == ("schedule", "INVALID")
    assert "cron" in error["message"]
    assert session.scalar(select(m.JobSchedule)) is None


async def test_a_null_schedule_stops_scheduling_the_data_source(
    graphql: GraphQLClient, sample: SampleData, session: Session
) -> None:
    connection = sample.connection()
    set_connection_schedule(sample.session, connection, "1h")
    sample.session.commit()
    variables = {"input": {"connectionId": to_global_id("DataSource", connection.id), "schedule": None}}

    result = (await graphql.data(SET_SCHEDULE, variables))["setDataSourceSchedule"]

    assert result["dataSource"]["schedule"] is None
    assert session.scalar(select(m.JobSchedule)) is None


async def test_jobs_shows_each_schedule_with_its_last_outcome_to_admins_only(
    graphql: GraphQLClient, sample: SampleData
) -> None:
    connection = sample.connection(name="stripe")
    schedule = set_connection_schedule(sample.session, connection, "0 * * * *")
    assert schedule is not None
    sample.session.flush()
    run = m.JobRun(job="sync-connection", task_id="t-1", schedule_id=schedule.id, status=m.JobRunStatus.FAILED)
    run.error, run.outcome = "RuntimeError: stripe said 401", None
    sample.session.add(run)
    sample.session.flush()
    schedule.last_status, schedule.last_error, schedule.last_run_id = "failed", run.error, run.id
    sample.session.commit()

    [job] = (await graphql.data(JOBS))["jobs"]
    refused = await graphql.acting_as(role=m.Role.MANAGER).execute(JOBS)

    assert job["name"] == "sync:stripe" and job["connectionName"] == "stripe"
    assert (job["schedule"], job["enabled"]) == ("0 * * * *", True)
    assert (job["lastStatus"], job["lastError"]) == ("failed", "RuntimeError: stripe said 401")
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_schedules_are_read_in_statements_constant_in_their_number(
    graphql: GraphQLClient, sample: SampleData
) -> None:
    async def statements(connections: int) -> int:
        for _ in range(connections):
            set_connection_schedule(sample.session, sample.connection(), "1h")
        sample.session.commit()
        await graphql.data(
            "{ connections { nodes { name schedule nextSyncAt } } jobs { name lastStatus lastOutcome } }"
        )
        return len(graphql.statements)

    few = await statements(2)
    many = await statements(20)

    assert few == many == 3  # connections, their schedules (one batch for both fields), jobs
