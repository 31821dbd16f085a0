"""Promotions: campaigns for strategic accounts, and the result per account."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from acctgraph import models
from acctgraph.graphql.context import Info
from acctgraph.graphql.keyset import Ordering, SortKey
from acctgraph.graphql.loaders import load_by_id, load_children, load_many_by_id
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
    async def account(self, info: Info) -> AccountRef | None:
        from acctgraph.graphql.types.accounts import Account

        row = await load_by_id(info.context, models.Account, self.account_id)
        return None if row is None else Account.from_row(row)


@strawberry.type(description="The targets of a promotion under one brand: an account, or its parent when it has one.")
class PromotionBrand:
    brand_id: strawberry.Private[int]
    targets: list[PromotionTarget] = strawberry.field(description="The brand's accounts targeted, and results.")

    @strawberry.field(description="The brand: the parent account of the targets, or the target itself.")
    async def brand(self, info: Info) -> AccountRef | None:
        from acctgraph.graphql.types.accounts import Account

        row = await load_by_id(info.context, models.Account, self.brand_id)
        return None if row is None else Account.from_row(row)


NEWEST_PROMOTIONS_FIRST = Ordering(
    (
        SortKey("starts_on", models.Promotion.starts_on, descending=True, value_type=date),
        SortKey("id", models.Promotion.id, descending=True),
    )
)


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
    async def targets(self, info: Info) -> list[PromotionTarget]:
        rows = await load_children(info.context, models.PromotionTarget.promotion_id, self.id)
        return [PromotionTarget.from_row(row) for row in rows]

    @strawberry.field(
        description="The targets grouped by brand (an account's parent, or the account itself), by brand id."
    )
    async def brands(self, info: Info) -> list[PromotionBrand]:
        rows = await load_children(info.context, models.PromotionTarget.promotion_id, self.id)
        accounts = await load_many_by_id(info.context, models.Account, [row.account_id for row in rows])
        grouped: dict[int, list[PromotionTarget]] = defaultdict(list)
        for row, account in zip(rows, accounts, strict=True):
            brand_id = row.account_id if account is None or account.parent_id is None else account.parent_id
            grouped[brand_id].append(PromotionTarget.from_row(row))
        return [PromotionBrand(brand_id=brand_id, targets=grouped[brand_id]) for brand_id in sorted(grouped)]
