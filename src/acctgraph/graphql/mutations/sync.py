"""``triggerSync``: ask for a connection's sync (admins and integration keys); a worker runs it."""

from __future__ import annotations

import strawberry
from strawberry import relay

from acctgraph.domain.sync_requests import RequestSync, request_sync
from acctgraph.graphql.context import RequestContext
from acctgraph.graphql.mutations.base import run_for_node
from acctgraph.graphql.mutations.inputs import UserError
from acctgraph.graphql.types.sync import SyncRequest


@strawberry.input(description="The connection to sync, and how.")
class TriggerSyncInput:
    connection_id: relay.GlobalID
    streams: list[str] | None = strawberry.field(default=strawberry.UNSET, description="Only these streams.")
    full_refresh: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Read everything again and mark deleted what is gone."
    )


@strawberry.type
class TriggerSyncPayload:
    sync_request: SyncRequest | None
    user_errors: list[UserError]


@strawberry.type
class SyncMutations:
    @strawberry.mutation(
        description="Queue a sync of a connection for `acctgraph sync worker`; a request already waiting "
        "for the connection is returned instead of a second one."
    )
    async def trigger_sync(
        self, info: strawberry.Info[RequestContext, None], input: TriggerSyncInput
    ) -> TriggerSyncPayload:
        return await run_for_node(info, TriggerSyncPayload, SyncRequest, RequestSync, input, request_sync)
