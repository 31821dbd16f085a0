"""Opportunities: new business, renewals, upsells and cross-sells."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry import relay

from acctgraph import models
from acctgraph.graphql.context import Info
from acctgraph.graphql.loaders import load_by_id, load_children
from acctgraph.graphql.types.enums import ForecastCategory, OpportunityKind, OpportunityStatus
from acctgraph.graphql.types.money import Money
from acctgraph.graphql.types.node import ModelNode
from acctgraph.graphql.types.scalars import BigInt
from acctgraph.graphql.types.users import User


@strawberry.type(description="A move of an opportunity from one stage to the next.")
class StageChange:
    from_stage: str | None
    to_stage: str
    changed_at: datetime


@strawberry.type(description="An edit of an opportunity's amount, close date, forecast category or next step.")
class OpportunityFieldChange:
    field: str = strawberry.field(
        description="amountMinor, expectedCloseDate, forecastCategory (lower-case value) or nextStep."
    )
    before: str | None = strawberry.field(description="The value before, as text (amounts in minor units).")
    after: str | None = strawberry.field(description="The value after, as text; null when cleared.")
    changed_at: datetime = strawberry.field(description="When it changed.")


_FIELD_NAMES = {
    "amount_minor": "amountMinor",
    "expected_close_date": "expectedCloseDate",
    "forecast_category": "forecastCategory",
    "next_step": "nextStep",
}


@strawberry.type(description="A deal in the pipeline for an account.")
class Opportunity(ModelNode):
    model = models.Opportunity

    id: relay.NodeID[int]
    name: str
    kind: OpportunityKind
    stage: str
    status: OpportunityStatus
    probability: int = strawberry.field(description="Chance of winning, 0-100.")
    expected_close_date: date | None
    forecast_category: ForecastCategory
    closed_at: datetime | None
    closed_on: date | None = strawberry.field(description="The day it was won or lost (forecast accuracy).")
    close_reason: str | None
    next_step: str | None = strawberry.field(description="What happens next, in the owner's words.")
    churn_reason: str | None = strawberry.field(
        description="Why a renewal was lost or downsold: a key of the churn reason taxonomy (churnReasons)."
    )
    saved: bool = strawberry.field(
        description="A renewal won although its account was at risk (red or yellow band, or an open alert) when "
        "the renewal opened: a save."
    )
    version: int = strawberry.field(description="Send it back with updates (optimistic concurrency).")
    created_at: datetime
    updated_at: datetime
    amount_minor: strawberry.Private[int]
    currency: strawberry.Private[str]
    owner_id: strawberry.Private[int | None]
    owner_at_close_id: strawberry.Private[int | None]
    account_id: strawberry.Private[int]

    @strawberry.field
    def amount(self) -> Money:
        return Money(amount_minor=BigInt(self.amount_minor), currency=self.currency)

    @strawberry.field(description="Every stage the opportunity went through, oldest first.")
    async def stage_history(self, info: Info) -> list[StageChange]:
        change = models.StageChange
        rows = await load_children(info.context, change.opportunity_id, self.id, order_by=[change.created_at])
        return [
            StageChange(from_stage=row.from_stage, to_stage=row.to_stage, changed_at=row.created_at) for row in rows
        ]

    @strawberry.field(
        description="Every edit of the amount, close date, forecast category and next step, oldest first."
    )
    async def field_history(self, info: Info) -> list[OpportunityFieldChange]:
        change = models.OpportunityFieldChange
        rows = await load_children(info.context, change.opportunity_id, self.id, order_by=[change.created_at])
        return [
            OpportunityFieldChange(
                field=_FIELD_NAMES.get(row.field, row.field),
                before=row.before,
                after=row.after,
                changed_at=row.created_at,
            )
            for row in rows
        ]

    @strawberry.field
    async def owner(self, info: Info) -> User | None:
        row = await load_by_id(info.context, models.User, self.owner_id)
        return None if row is None else User.from_row(row)

    @strawberry.field(description="Who owned it when it closed: the owner its win counts for in forecast accuracy.")
    async def owner_at_close(self, info: Info) -> User | None:
        row = await load_by_id(info.context, models.User, self.owner_at_close_id)
        return None if row is None else User.from_row(row)
