"""Contacts: the customer's stakeholders and the relationship map between them."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from acctgraph import models
from acctgraph.graphql.context import Info
from acctgraph.graphql.loaders import load_by_id
from acctgraph.graphql.types.enums import BuyingRole, Influence, Sentiment
from acctgraph.graphql.types.node import ModelNode


@strawberry.type(description="A person at a customer account.")
class Contact(ModelNode):
    model = models.Contact

    id: relay.NodeID[int]
    name: str
    email: str | None
    title: str | None
    buying_role: BuyingRole | None
    influence: Influence | None
    sentiment: Sentiment | None
    active: bool
    version: int = strawberry.field(description="Send it back with updates (optimistic concurrency).")
    created_at: datetime
    updated_at: datetime
    account_id: strawberry.Private[int]
    reports_to_id: strawberry.Private[int | None]

    @strawberry.field(description="The contact this one reports to (the relationship map).")
    async def reports_to(self, info: Info) -> Contact | None:
        row = await load_by_id(info.context, models.Contact, self.reports_to_id)
        return None if row is None else Contact.from_row(row)
