"""The signals behind health: invoices, support tickets, NPS responses and daily usage."""

from __future__ import annotations

import enum
from datetime import date, datetime

import strawberry
from strawberry import relay

from acctgraph import models
from acctgraph.graphql.context import Info
from acctgraph.graphql.loaders import load_by_id
from acctgraph.graphql.types.contacts import Contact
from acctgraph.graphql.types.enums import InvoiceStatus, Satisfaction, TicketPriority, TicketStatus
from acctgraph.graphql.types.money import Money
from acctgraph.graphql.types.node import ModelNode
from acctgraph.graphql.types.scalars import BigInt


@strawberry.type(description="An invoice billed to an account.")
class Invoice(ModelNode):
    model = models.Invoice

    id: relay.NodeID[int]
    number: str
    issued_on: date
    due_date: date
    paid_at: datetime | None
    status: InvoiceStatus
    voided_at: datetime | None = strawberry.field(
        description="When it was voided (null unless void): before then it counted as unpaid."
    )
    amount_minor: strawberry.Private[int]
    currency: strawberry.Private[str]
    account_id: strawberry.Private[int]

    @strawberry.field
    def amount(self) -> Money:
        return Money(amount_minor=BigInt(self.amount_minor), currency=self.currency)


async def _contact(info: Info, contact_id: int | None) -> Contact | None:
    row = await load_by_id(info.context, models.Contact, contact_id)
    return None if row is None else Contact.from_row(row)


@strawberry.type(description="A support ticket raised by an account.")
class SupportTicket(ModelNode):
    model = models.SupportTicket

    id: relay.NodeID[int]
    subject: str
    priority: TicketPriority
    status: TicketStatus
    escalated: bool
    opened_at: datetime
    closed_at: datetime | None
    satisfaction: Satisfaction | None
    requester_id: strawberry.Private[int | None]
    account_id: strawberry.Private[int]

    @strawberry.field
    async def requester(self, info: Info) -> Contact | None:
        return await _contact(info, self.requester_id)


@strawberry.enum(description="NPS classes: promoters score 9-10, passives 7-8, detractors 0-6.")
class NpsCategory(enum.StrEnum):
    PROMOTER = "promoter"
    PASSIVE = "passive"
    DETRACTOR = "detractor"


@strawberry.type(description="An answer to the Net Promoter Score survey.")
class NpsResponse(ModelNode):
    model = models.NpsResponse

    id: relay.NodeID[int]
    score: int = strawberry.field(description="0-10.")
    comment: str | None
    responded_at: datetime
    contact_id: strawberry.Private[int | None]
    account_id: strawberry.Private[int]

    @strawberry.field
    def category(self) -> NpsCategory:
        if self.score >= 9:
            return NpsCategory.PROMOTER
        return NpsCategory.PASSIVE if self.score >= 7 else NpsCategory.DETRACTOR

    @strawberry.field
    async def contact(self, info: Info) -> Contact | None:
        return await _contact(info, self.contact_id)


@strawberry.type(description="One day's value of a usage metric.")
class UsagePoint:
    day: date
    value: float
