"""Records a sync could not write: rejected (invalid, kept with payload and reason) and quarantined
(waiting for a reference, applied once it appears). Admins only: payloads hold the source's data."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from acctgraph import models
from acctgraph.graphql.context import Info
from acctgraph.graphql.loaders import load_by_id
from acctgraph.graphql.types.node import ModelNode
from acctgraph.graphql.types.sync import DataSource, SyncRun


@strawberry.interface(description="A record a sync read but could not write.")
class UnwrittenRecord(ModelNode):
    id: relay.NodeID[int]
    stream: str = strawberry.field(description="The connector stream that read it.")
    record_key: str = strawberry.field(description="The record's external id, or where in the input it was.")
    reason: str = strawberry.field(description="Why it was not written, and how to fix it.")
    payload: JSON = strawberry.field(description="The record as the connector sent it.")
    created_at: datetime
    connection_id: strawberry.Private[int]

    @strawberry.field(description="The connection it came from.")
    async def connection(self, info: Info) -> DataSource:
        return DataSource.from_row(await load_by_id(info.context, models.Connection, self.connection_id))


@strawberry.type(description="A record a sync rejected as invalid: ``reason`` names each failing field.")
class RejectedRecord(UnwrittenRecord):
    model = models.RejectedRecord

    updated_at: datetime = strawberry.field(description="When it was last rejected.")
    run_id: strawberry.Private[int | None]

    @strawberry.field(description="The run that last rejected it.")
    async def run(self, info: Info) -> SyncRun | None:
        row = await load_by_id(info.context, models.SyncRun, self.run_id)
        return None if row is None else SyncRun.from_row(row)


@strawberry.type(description="A record waiting for one it references: ``reason`` says how to resolve it.")
class QuarantinedRecord(UnwrittenRecord):
    model = models.QuarantinedRecord

    entity: str = strawberry.field(description="The canonical entity, e.g. contract_line.")
    waiting_for: str = strawberry.field(description="The external id of the record it waits for.")
