"""Promotions: campaigns for strategic accounts, and the result per account."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from acctgraph import models
from acctgraph.graphql.context import RequestContext
from acctgraph.graphql.loaders import load_by_id, load_children
from acctgraph.graphql.types.enums import PromotionOutcome
from acctgraph.graphql.types.money import Money
from acctgraph.graphql.types.node import ModelNode
from acctgraph.graphql.types.scalars import BigInt

if TYPE_CHECKING:
    from acctgraph.graphql.types.accounts import Account

AccountRef = Annotated["Account", strawberry.lazy("acctgraph.graphql.types.accounts")]


@strawberry.type(description="One target account of a promotion and what came of it.")
class PromotionTarget(ModelNode):
    model = models.PromotionTarget

    id: relay.NodeID[int]
    outcome: PromotionOutcome
    note: str | None
    version: int = strawberry.field(description="Send it back with recordPromotionResult.")
    updated_at: datetime
    revenue_minor: strawberry.Private[int]
    currency: strawberry.Private[str | None]
    account_id: strawberry.Private[int]

    @strawberry.field(description="Revenue attributed to the promotion, if any.")
    def revenue(self) -> Money | None:
        return Money(amount_minor=BigInt(self.revenue_minor), currency=self.currency) if self.currency else None

    @strawberry.field
    async def account(self, info: strawberry.Info[RequestContext, None]) -> AccountRef | None:
        from acctgraph.graphql.types.accounts import Account

        row = await load_by_id(info.context, models.Account, self.account_id)
        return None if row is None else Account.from_row(row)


@strawberry.type(description="A campaign with an offer for a set of strategic accounts over a period.")
class Promotion(ModelNode):
    model = models.Promotion

    id: relay.NodeID[int]
    name: str
    offer: str
    starts_on: date
    ends_on: date
    version: int
    created_at: datetime

    @strawberry.field(description="The target accounts and their results.")
    async def targets(self, info: strawberry.Info[RequestContext, None]) -> list[PromotionTarget]:
        rows = await load_children(info.context, models.PromotionTarget.promotion_id, self.id)
        return [PromotionTarget.from_row(row) for row in rows]
