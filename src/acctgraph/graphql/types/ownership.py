"""Ownership history: who owned an account before, from when, and why it moved."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry import relay

from acctgraph import models
from acctgraph.graphql.connections import ChildList
from acctgraph.graphql.context import Info
from acctgraph.graphql.keyset import Ordering, SortKey
from acctgraph.graphql.loaders import load_by_id
from acctgraph.graphql.types.node import ModelNode
from acctgraph.graphql.types.users import User


async def _user(info: Info, user_id: int | None) -> User | None:
    row = await load_by_id(info.context, models.User, user_id)
    return None if row is None else User.from_row(row)


@strawberry.type(description="A transfer of an account from one owner to another.")
class OwnershipChange(ModelNode):
    model = models.OwnershipChange

    id: relay.NodeID[int]
    effective_on: date
    reason: str
    created_at: datetime
    applied_at: datetime | None = strawberry.field(
        description="When the account moved; null while the transfer waits for its effectiveOn day."
    )
    moves_open_work: bool = strawberry.field(
        description="Whether open opportunities, unresolved alerts and open tasks moved with the account."
    )
    from_owner_id: strawberry.Private[int | None]
    to_owner_id: strawberry.Private[int | None]
    changed_by_id: strawberry.Private[int | None]

    @strawberry.field
    async def from_owner(self, info: Info) -> User | None:
        return await _user(info, self.from_owner_id)

    @strawberry.field
    async def to_owner(self, info: Info) -> User | None:
        return await _user(info, self.to_owner_id)

    @strawberry.field(description="Who made the transfer.")
    async def changed_by(self, info: Info) -> User | None:
        return await _user(info, self.changed_by_id)


OWNER_HISTORY = ChildList(
    "account-owner-history",
    models.OwnershipChange.account_id,
    Ordering(
        (
            SortKey("created_at", models.OwnershipChange.created_at, descending=True, value_type=datetime),
            SortKey("id", models.OwnershipChange.id, descending=True),
        )
    ),
)
"""An account's transfers, newest first."""
