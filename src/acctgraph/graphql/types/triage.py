"""Records a sync could not write: rejected (invalid, kept with payload and reason) and quarantined
(waiting for a reference, applied once it appears). Admins only: payloads hold the source's data."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import ClassVar, Literal, Self, overload

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from acctgraph import models
from acctgraph.graphql.context import RequestContext
from acctgraph.graphql.loaders import load_by_id
from acctgraph.graphql.policy import authorize
from acctgraph.graphql.types.node import ModelNode
from acctgraph.graphql.types.sync import SourceConnection, SyncRun


class AdminOnlyNode(ModelNode):
    """A node that ``node(id)`` resolves for the roles of its list only (``list_field`` in the policy)."""

    list_field: ClassVar[str]

    @overload
    @classmethod
    async def resolve_nodes(
        cls, *, info: strawberry.Info[RequestContext, None], node_ids: Iterable[str], required: Literal[True]
    ) -> list[Self]: ...

    @overload
    @classmethod
    async def resolve_nodes(
        cls, *, info: strawberry.Info[RequestContext, None], node_ids: Iterable[str], required: Literal[False] = ...
    ) -> list[Self | None]: ...

    @overload
    @classmethod
    async def resolve_nodes(
        cls, *, info: strawberry.Info[RequestContext, None], node_ids: Iterable[str], required: bool
    ) -> list[Self] | list[Self | None]: ...

    @classmethod
    async def resolve_nodes(
        cls, *, info: strawberry.Info[RequestContext, None], node_ids: Iterable[str], required: bool = False
    ) -> list[Self] | list[Self | None]:
        authorize(info.context.viewer, "query", cls.list_field)
        return await super().resolve_nodes(info=info, node_ids=node_ids, required=required)


@strawberry.type(description="A record a sync rejected: its payload as read and why it is invalid.")
class RejectedRecord(AdminOnlyNode):
    model = models.RejectedRecord
    list_field = "rejectedRecords"

    id: relay.NodeID[int]
    stream: str
    record_key: str = strawberry.field(description="The record's external id, or where in the input it was.")
    reason: str = strawberry.field(description="Each failing field with what is wrong with it.")
    payload: JSON = strawberry.field(description="The record as the connector sent it.")
    created_at: datetime
    updated_at: datetime = strawberry.field(description="When it was last rejected.")
    connection_id: strawberry.Private[int]
    run_id: strawberry.Private[int | None]

    @strawberry.field(description="The connection it came from.")
    async def connection(self, info: strawberry.Info[RequestContext, None]) -> SourceConnection:
        return SourceConnection.from_row(await load_by_id(info.context, models.Connection, self.connection_id))

    @strawberry.field(description="The run that last rejected it.")
    async def run(self, info: strawberry.Info[RequestContext, None]) -> SyncRun | None:
        row = await load_by_id(info.context, models.SyncRun, self.run_id)
        return None if row is None else SyncRun.from_row(row)


@strawberry.type(description="A record waiting for a record it references (its account, a product).")
class QuarantinedRecord(AdminOnlyNode):
    model = models.QuarantinedRecord
    list_field = "quarantinedRecords"

    id: relay.NodeID[int]
    stream: str
    entity: str = strawberry.field(description="The canonical entity, e.g. contract_line.")
    record_key: str
    waiting_for: str = strawberry.field(description="The external id of the record it waits for.")
    reason: str = strawberry.field(description="What is missing, and how to resolve it.")
    payload: JSON
    created_at: datetime
    connection_id: strawberry.Private[int]

    @strawberry.field(description="The connection it came from.")
    async def connection(self, info: strawberry.Info[RequestContext, None]) -> SourceConnection:
        return SourceConnection.from_row(await load_by_id(info.context, models.Connection, self.connection_id))
