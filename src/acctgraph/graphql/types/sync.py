"""Connections (configured connector instances) and their sync runs. A connection's configuration is
never exposed: it holds secret references."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from acctgraph import models
from acctgraph.graphql.connections import ChildList, ChildPage, Connection, paginated
from acctgraph.graphql.context import Info
from acctgraph.graphql.keyset import Ordering, SortKey
from acctgraph.graphql.loaders import load_by_id, load_children
from acctgraph.graphql.types.node import ModelNode

SyncRunStatus = models.SyncRunStatus
strawberry.enum(SyncRunStatus)

NEWEST_RUNS_FIRST = Ordering(
    (
        SortKey("started_at", models.SyncRun.started_at, descending=True, value_type=datetime),
        SortKey("id", models.SyncRun.id, descending=True),
    )
)
CONNECTION_RUNS = ChildList("connection-sync-runs", models.SyncRun.connection_id, NEWEST_RUNS_FIRST)


@strawberry.type(description="The counts of one stream in one sync run.")
class SyncRunStream:
    stream: str
    full_refresh: bool
    read: int
    created: int
    updated: int
    unchanged: int
    deleted: int
    rejected: int
    quarantined: int

    @classmethod
    def from_row(cls, row: models.SyncRunStream) -> SyncRunStream:
        return cls(**{name: getattr(row, name) for name in cls.__annotations__})


@strawberry.type(description="A named, configured instance of a connector; its configuration is never exposed.")
class DataSource(ModelNode):
    model = models.Connection

    id: relay.NodeID[int]
    name: str
    connector: str
    full_refresh_days: int = strawberry.field(
        description="How often streams that cannot report deletes are fully read."
    )
    created_at: datetime
    updated_at: datetime

    @strawberry.field(
        description="When the job engine syncs it (UTC): an interval (15m, 1h) or a cron expression; "
        "null when it syncs only by hand or by triggerSync."
    )
    async def schedule(self, info: Info) -> str | None:
        rows = await load_children(info.context, models.JobSchedule.connection_id, self.id)
        return rows[0].schedule if rows and rows[0].enabled else None

    @strawberry.field(description="When its next scheduled sync is due; null without a schedule.")
    async def next_sync_at(self, info: Info) -> datetime | None:
        rows = await load_children(info.context, models.JobSchedule.connection_id, self.id)
        return rows[0].next_run_at if rows and rows[0].enabled else None

    @paginated("The connection's sync runs, newest first.", Connection["SyncRun"])
    def sync_runs(self) -> ChildPage:
        return ChildPage(CONNECTION_RUNS, self.id, SyncRun.from_row)


@strawberry.type(description="One run of a connection's sync: status, timings and per-stream counts.")
class SyncRun(ModelNode):
    model = models.SyncRun

    id: relay.NodeID[int]
    status: SyncRunStatus
    full_refresh: bool
    started_at: datetime
    finished_at: datetime | None
    error: str | None
    connection_id: strawberry.Private[int]

    @strawberry.field(description="The connection synced.")
    async def connection(self, info: Info) -> DataSource:
        return DataSource.from_row(await load_by_id(info.context, models.Connection, self.connection_id))

    @strawberry.field(description="Counts per stream, in the order the streams ran.")
    async def streams(self, info: Info) -> list[SyncRunStream]:
        rows = await load_children(info.context, models.SyncRunStream.run_id, self.id)
        return [SyncRunStream.from_row(row) for row in rows]


@strawberry.type(description="A sync asked for through the API; the job engine (`acctgraph worker`) runs it.")
class SyncRequest(ModelNode):
    model = models.SyncRequest

    id: relay.NodeID[int]
    streams: list[str] = strawberry.field(description="The streams to sync; empty for all.")
    full_refresh: bool
    claimed_at: datetime | None = strawberry.field(description="When a worker took it; null while it waits.")
    error: str | None = strawberry.field(description="Why the worker could not start the sync.")
    created_at: datetime
    connection_id: strawberry.Private[int]
    sync_run_id: strawberry.Private[int | None]

    @strawberry.field
    async def connection(self, info: Info) -> DataSource | None:
        row = await load_by_id(info.context, models.Connection, self.connection_id)
        return None if row is None else DataSource.from_row(row)

    @strawberry.field(description="The run the worker started for this request.")
    async def sync_run(self, info: Info) -> SyncRun | None:
        row = await load_by_id(info.context, models.SyncRun, self.sync_run_id)
        return None if row is None else SyncRun.from_row(row)
