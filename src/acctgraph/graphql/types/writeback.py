"""Write-back to the CRM as the API serves it: per activity and task, and the outbox for admins."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import strawberry
from sqlalchemy import select
from strawberry import relay

from acctgraph import models
from acctgraph.graphql.context import Info, RequestContext
from acctgraph.graphql.loaders import load_by_id
from acctgraph.graphql.types.node import ModelNode
from acctgraph.graphql.types.sync import DataSource

WritebackStatus = models.WritebackStatus
WritebackEntity = models.WritebackEntity
strawberry.enum(WritebackStatus, description="Where a write-back to the CRM stands.")
strawberry.enum(WritebackEntity, description="What a write-back writes: an activity, a completed QBR, a task.")


@strawberry.type(description="A change written (or to be written) to the CRM the account came from.")
class CrmWriteback(ModelNode):
    model = models.CrmWriteback

    id: relay.NodeID[int]
    entity: WritebackEntity = strawberry.field(description="What is written.")
    status: WritebackStatus = strawberry.field(description="PENDING, DELIVERED, FAILED or REFUSED.")
    attempts: int = strawberry.field(description="How many delivery attempts were made.")
    external_id: str | None = strawberry.field(description="The CRM's id of the written record, once delivered.")
    next_attempt_at: datetime = strawberry.field(description="Pending: not tried again before this.")
    delivered_at: datetime | None = strawberry.field(description="When the CRM confirmed it.")
    created_at: datetime
    updated_at: datetime
    last_error: strawberry.Private[str | None]
    connection_id: strawberry.Private[int]

    @strawberry.field(description="Why the last attempt failed, or the CRM's own message when it refused the record.")
    def error(self) -> str | None:
        return self.last_error

    @strawberry.field(description="The CRM connection it is written to.")
    async def connection(self, info: Info) -> DataSource:
        return DataSource.from_row(await load_by_id(info.context, models.Connection, self.connection_id))


async def load_crm_writeback(
    context: RequestContext, entities: Sequence[models.WritebackEntity], entity_id: int
) -> CrmWriteback | None:
    """The write-back of one activity or task (the first CRM's, when several), batched per request."""

    async def batch(entity_ids: list[int]) -> list[CrmWriteback | None]:
        rows = await context.db.scalars(
            select(models.CrmWriteback)
            .where(models.CrmWriteback.entity.in_(entities), models.CrmWriteback.entity_id.in_(entity_ids))
            .order_by(models.CrmWriteback.id.desc())
        )
        found = {row.entity_id: CrmWriteback.from_row(row) for row in rows}
        return [found.get(entity_id) for entity_id in entity_ids]

    return await context.loaders.get(("crm-writeback", tuple(entities)), batch).load(entity_id)
