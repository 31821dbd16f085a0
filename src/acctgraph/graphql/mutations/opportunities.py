"""Opportunity mutations: create, move stage (history kept), close won or lost."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import UNSET, relay

from acctgraph.domain import pipeline as domain
from acctgraph.graphql.context import RequestContext
from acctgraph.graphql.mutations.base import run_for_node
from acctgraph.graphql.mutations.inputs import UserError
from acctgraph.graphql.types.enums import ForecastCategory, OpportunityKind
from acctgraph.graphql.types.opportunities import Opportunity
from acctgraph.graphql.types.scalars import BigInt

Info = strawberry.Info[RequestContext, None]


@strawberry.input
class CreateOpportunityInput:
    account_id: relay.GlobalID
    name: str
    kind: OpportunityKind
    amount_minor: BigInt
    currency: str
    stage: str | None = strawberry.field(default=UNSET, description="Default: qualification.")
    probability: int | None = UNSET
    expected_close_date: date | None = UNSET
    forecast_category: ForecastCategory | None = UNSET
    owner_id: relay.GlobalID | None = strawberry.field(default=UNSET, description="Default: the account's owner.")


@strawberry.input
class MoveOpportunityStageInput:
    id: relay.GlobalID
    version: int
    stage: str
    probability: int | None = UNSET
    forecast_category: ForecastCategory | None = UNSET


@strawberry.input(description="`reason` is required when lost.")
class CloseOpportunityInput:
    id: relay.GlobalID
    version: int
    won: bool
    reason: str | None = UNSET


@strawberry.type
class OpportunityPayload:
    opportunity: Opportunity | None
    user_errors: list[UserError]


@strawberry.type
class OpportunityMutations:
    @strawberry.mutation(description="Open an upsell, cross-sell, renewal or new-business opportunity.")
    async def create_opportunity(self, info: Info, input: CreateOpportunityInput) -> OpportunityPayload:
        return await run_for_node(
            info, OpportunityPayload, Opportunity, domain.CreateOpportunity, input, domain.create_opportunity
        )

    @strawberry.mutation(description="Move an open opportunity to another stage; the move is kept in stageHistory.")
    async def move_opportunity_stage(self, info: Info, input: MoveOpportunityStageInput) -> OpportunityPayload:
        return await run_for_node(
            info, OpportunityPayload, Opportunity, domain.MoveOpportunityStage, input, domain.move_stage
        )

    @strawberry.mutation(description="Close an opportunity as won or lost (with a reason).")
    async def close_opportunity(self, info: Info, input: CloseOpportunityInput) -> OpportunityPayload:
        return await run_for_node(
            info, OpportunityPayload, Opportunity, domain.CloseOpportunity, input, domain.close_opportunity
        )
