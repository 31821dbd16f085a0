"""``setDataSourceSchedule``: when the job engine syncs a connection (admins)."""

from __future__ import annotations

import strawberry
from strawberry import relay

from acctgraph.graphql.context import Info
from acctgraph.graphql.mutations.base import run_for_node
from acctgraph.graphql.mutations.inputs import UserError
from acctgraph.graphql.types.sync import DataSource
from acctgraph.jobs.connection_schedules import ScheduleConnectionSync, schedule_connection_sync


@strawberry.input(description="A connection and when to sync it.")
class SetDataSourceScheduleInput:
    connection_id: relay.GlobalID = strawberry.field(description="The connection (a DataSource id).")
    schedule: str | None = strawberry.field(
        default=None,
        description="An interval (15m, 1h, daily) or a cron expression ('0 * * * *'), in UTC; null or empty "
        "stops scheduling it. A new schedule syncs on the worker's next tick, then on schedule.",
    )


@strawberry.type(description="The connection with its new schedule, or why it was refused.")
class SetDataSourceSchedulePayload:
    data_source: DataSource | None = strawberry.field(description="The connection, with its schedule.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type
class JobMutations:
    @strawberry.mutation(description="Schedule a connection's sync (or stop scheduling it); admins only.")
    async def set_data_source_schedule(
        self, info: Info, input: SetDataSourceScheduleInput
    ) -> SetDataSourceSchedulePayload:
        return await run_for_node(
            info, SetDataSourceSchedulePayload, DataSource, ScheduleConnectionSync, input, schedule_connection_sync
        )
