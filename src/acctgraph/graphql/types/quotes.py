"""Quotes and proposals: lines, discount, totals and where they stand in the approval workflow."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry
from strawberry import relay

from acctgraph import models
from acctgraph.graphql.context import Info
from acctgraph.graphql.loaders import load_by_id, load_children
from acctgraph.graphql.types.catalog import Product
from acctgraph.graphql.types.enums import QuoteStatus
from acctgraph.graphql.types.money import Money
from acctgraph.graphql.types.node import ModelNode
from acctgraph.graphql.types.scalars import BigInt
from acctgraph.graphql.types.users import User


@strawberry.type(description="A priced product on a quote.")
class QuoteLine:
    quantity: int
    unit_price: Money
    amount: Money
    product_id: strawberry.Private[int]

    @strawberry.field
    async def product(self, info: Info) -> Product | None:
        row = await load_by_id(info.context, models.Product, self.product_id)
        return None if row is None else Product.from_row(row)


@strawberry.type(description="A quote: draft -> pending approval -> approved/rejected -> sent -> accepted/declined.")
class Quote(ModelNode):
    model = models.Quote

    id: relay.NodeID[int]
    title: str
    status: QuoteStatus
    currency: strawberry.Private[str]
    discount_bp: strawberry.Private[int]
    subtotal_minor: strawberry.Private[int]
    total_minor: strawberry.Private[int]
    decided_at: datetime | None
    decision_note: str | None
    version: int = strawberry.field(description="Send it back with updates (optimistic concurrency).")
    created_at: datetime
    updated_at: datetime
    decided_by_id: strawberry.Private[int | None]
    account_id: strawberry.Private[int]

    @strawberry.field(description="Discount in percent, e.g. 12.5.")
    def discount_percent(self) -> Decimal:
        return Decimal(self.discount_bp) / 100

    @strawberry.field
    def subtotal(self) -> Money:
        return Money(amount_minor=BigInt(self.subtotal_minor), currency=self.currency)

    @strawberry.field(description="Subtotal less the discount.")
    def total(self) -> Money:
        return Money(amount_minor=BigInt(self.total_minor), currency=self.currency)

    @strawberry.field
    async def lines(self, info: Info) -> list[QuoteLine]:
        rows = await load_children(info.context, models.QuoteLine.quote_id, self.id)
        return [
            QuoteLine(
                quantity=row.quantity,
                unit_price=Money(amount_minor=row.unit_price_minor, currency=self.currency),
                amount=Money(amount_minor=row.quantity * row.unit_price_minor, currency=self.currency),
                product_id=row.product_id,
            )
            for row in rows
        ]

    @strawberry.field(description="Who approved or rejected it.")
    async def decided_by(self, info: Info) -> User | None:
        row = await load_by_id(info.context, models.User, self.decided_by_id)
        return None if row is None else User.from_row(row)
