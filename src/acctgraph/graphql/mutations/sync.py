"""``triggerSync``: ask for a connection's sync (admins and integration keys); the job engine runs it."""

from __future__ import annotations

import asyncio

import strawberry
from sqlalchemy.orm import Session
from strawberry import relay

from acctgraph.domain.sync_requests import RequestSync, request_sync
from acctgraph.graphql.context import Info, RequestContext
from acctgraph.graphql.mutations.base import run_for_node
from acctgraph.graphql.mutations.inputs import UserError
from acctgraph.graphql.types.sync import SyncRequest
from acctgraph.jobs.connection_schedules import SYNC_JOB


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
        description="Queue a sync of a connection for the job engine (`acctgraph worker`); a request already "
        "waiting for the connection is returned instead of a second one."
    )
    async def trigger_sync(self, info: Info, input: TriggerSyncInput) -> TriggerSyncPayload:
        payload = await run_for_node(info, TriggerSyncPayload, SyncRequest, RequestSync, input, request_sync)
        if payload.sync_request is not None and payload.sync_request.claimed_at is None:
            await _enqueue(info.context, payload.sync_request)
        return payload


async def _enqueue(context: RequestContext, request: SyncRequest) -> None:
    """Record the request's job run (once per request: its dedupe key), commit, then send its task."""
    # Imported here: the queue (Huey and its storages) loads on the first trigger, not with every API process.
    from acctgraph.jobs.queue import job_queue
    from acctgraph.jobs.runs import record_run

    params = {
        "connection_id": request.connection_id,
        "streams": request.streams,
        "full_refresh": request.full_refresh,
        "sync_request_id": request.id,
    }
    queue = job_queue(context.settings)
    task = queue.task(SYNC_JOB, params)

    def record(session: Session) -> bool:
        recorded = record_run(session, task, dedupe_key=f"sync-request:{request.id}") is not None
        session.commit()
        return recorded

    if await context.db.run_sync(record):
        await asyncio.to_thread(queue.enqueue, task)
