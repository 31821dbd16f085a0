"""Quotas of account managers, and attainment against them."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry import relay

from acctgraph import models
from acctgraph.domain import quotas as domain
from acctgraph.graphql.context import Info
from acctgraph.graphql.loaders import load_by_id
from acctgraph.graphql.types.money import Money
from acctgraph.graphql.types.node import ModelNode
from acctgraph.graphql.types.scalars import BigInt
from acctgraph.graphql.types.users import User
from acctgraph.models import QuotaKind

strawberry.enum(QuotaKind, description="What a quota counts: won net new ARR (new, upsell, cross-sell) or renewals.")


@strawberry.type(description="The ARR an account manager is to win over a period, of one kind.")
class Quota(ModelNode):
    model = models.Quota

    id: relay.NodeID[int]
    kind: QuotaKind = strawberry.field(description="Net new ARR or renewal ARR.")
    period: str = strawberry.field(description="The period as it was set, e.g. FY2027-Q1.")
    starts_on: date = strawberry.field(description="The period's first day.")
    ends_on: date = strawberry.field(description="The period's last day.")
    version: int = strawberry.field(description="Send it back with updates (optimistic concurrency).")
    created_at: datetime
    updated_at: datetime
    amount_minor: strawberry.Private[int]
    currency: strawberry.Private[str]
    user_id: strawberry.Private[int]

    @strawberry.field(description="The target, in the reporting currency.")
    def amount(self) -> Money:
        return Money(amount_minor=BigInt(self.amount_minor), currency=self.currency)

    @strawberry.field(description="Whose quota it is.")
    async def user(self, info: Info) -> User | None:
        row = await load_by_id(info.context, models.User, self.user_id)
        return None if row is None else User.from_row(row)


@strawberry.type(description="Quota against ARR won, for one kind over a period (docs/metrics.md).")
class QuotaAttainment:
    kind: QuotaKind = strawberry.field(description="Net new ARR or renewal ARR.")
    target: Money | None = strawberry.field(
        description="The quotas of this kind lying within the period, summed; null when none is set."
    )
    achieved: Money = strawberry.field(description="ARR of this kind won in the period (as owner at close).")
    percent: float | None = strawberry.field(description="achieved / target x 100, one decimal; null without one.")

    @classmethod
    def list_of(cls, rows: list[domain.Attainment], currency: str) -> list[QuotaAttainment]:
        return [
            cls(
                kind=row.kind,
                target=None
                if row.target_minor is None
                else Money(amount_minor=BigInt(row.target_minor), currency=currency),
                achieved=Money(amount_minor=BigInt(row.achieved_minor), currency=currency),
                percent=row.percent,
            )
            for row in rows
        ]
