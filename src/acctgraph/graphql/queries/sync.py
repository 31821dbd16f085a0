"""``connections`` and ``syncRuns``: what feeds the data, and how its syncs went."""

from __future__ import annotations

import strawberry
from sqlalchemy import select

from acctgraph import models
from acctgraph.graphql.connections import Connection, RootList, paginated
from acctgraph.graphql.ids import decode_id
from acctgraph.graphql.keyset import Ordering, SortKey
from acctgraph.graphql.types.sync import NEWEST_RUNS_FIRST, DataSource, SyncRun, SyncRunStatus

SOURCES_BY_NAME = Ordering(
    (SortKey("name", models.Connection.name, value_type=str), SortKey("id", models.Connection.id))
)


@strawberry.input(description="Narrow the sync runs list.")
class SyncRunFilter:
    connection_id: strawberry.ID | None = strawberry.field(default=None, description="Runs of this connection.")
    statuses: list[SyncRunStatus] | None = None


@strawberry.type
class SyncQueries:
    @paginated("Every connection, by name.", Connection[DataSource])
    def connections(self) -> RootList:
        return RootList(select(models.Connection), SOURCES_BY_NAME, DataSource.from_row)

    @paginated("Sync runs of every connection, newest first.", Connection[SyncRun])
    def sync_runs(self, filter: SyncRunFilter | None = None) -> RootList:
        where = filter or SyncRunFilter()
        statement = select(models.SyncRun)
        if where.connection_id is not None:
            statement = statement.where(models.SyncRun.connection_id == decode_id(where.connection_id, "DataSource"))
        if where.statuses is not None:
            statement = statement.where(models.SyncRun.status.in_(where.statuses))
        return RootList(statement, NEWEST_RUNS_FIRST, SyncRun.from_row)
