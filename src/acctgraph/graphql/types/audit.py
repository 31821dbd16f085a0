"""Audit records: who changed what, through which operation, with before/after values."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from acctgraph import models
from acctgraph.graphql.context import Info
from acctgraph.graphql.loaders import load_by_id
from acctgraph.graphql.types.node import ModelNode
from acctgraph.graphql.types.users import User


@strawberry.type(description="One entity changed by one mutation.")
class AuditEntry(ModelNode):
    model = models.AuditRecord

    id: relay.NodeID[int]
    occurred_at: datetime
    operation: str = strawberry.field(description="The mutation, e.g. updateAccount.")
    entity_type: str = strawberry.field(description="The changed entity's type, e.g. Account.")
    action: str = strawberry.field(description="created, updated or deleted.")
    changes: JSON = strawberry.field(description='Changed fields: {"field": {"before": x, "after": y}}.')
    entity_id: strawberry.Private[int]
    actor_id: strawberry.Private[int | None]
    api_key_id: strawberry.Private[int | None]

    @strawberry.field(description="The global id of the changed entity.")
    def entity_global_id(self) -> strawberry.ID:
        return strawberry.ID(str(relay.GlobalID(self.entity_type, str(self.entity_id))))

    @strawberry.field(description="The user who made the change.")
    async def actor(self, info: Info) -> User | None:
        row = await load_by_id(info.context, models.User, self.actor_id)
        return None if row is None else User.from_row(row)

    @strawberry.field(description="The name of the API key used.")
    async def api_key_name(self, info: Info) -> str | None:
        row = await load_by_id(info.context, models.ApiKey, self.api_key_id)
        return None if row is None else row.name
