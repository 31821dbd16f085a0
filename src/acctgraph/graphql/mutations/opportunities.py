"""Opportunity mutations: create, edit forecast fields and move stage (history kept), close won or lost."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import UNSET, relay

from acctgraph.domain import pipeline as domain
from acctgraph.domain import renewal_desk as desk
from acctgraph.graphql.context import Info
from acctgraph.graphql.mutations.base import run_for_node
from acctgraph.graphql.mutations.inputs import UserError
from acctgraph.graphql.types.enums import ForecastCategory, OpportunityKind
from acctgraph.graphql.types.opportunities import Opportunity
from acctgraph.graphql.types.scalars import BigInt


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


@strawberry.input(description="`reason` is required when lost; `churnReason` too when a renewal is lost.")
class CloseOpportunityInput:
    id: relay.GlobalID
    version: int
    won: bool
    reason: str | None = UNSET
    churn_reason: str | None = strawberry.field(
        default=UNSET,
        description="Why a renewal was lost or downsold: one of `churnReasons` (required when a renewal is lost; "
        "`reason` is its free-text detail).",
    )


@strawberry.input(description="The forecast fields of an open opportunity; only the fields given change.")
class UpdateOpportunityInput:
    id: relay.GlobalID
    version: int
    amount_minor: BigInt | None = strawberry.field(
        default=UNSET, description="What it is worth now, in minor units of its currency (an uplift or a downsell)."
    )
    expected_close_date: date | None = strawberry.field(default=UNSET, description="When it is now expected to close.")
    forecast_category: ForecastCategory | None = strawberry.field(
        default=UNSET, description="How the owner now forecasts it (not CLOSED: close it with closeOpportunity)."
    )
    next_step: str | None = strawberry.field(default=UNSET, description="What happens next; null clears it.")


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

    @strawberry.mutation(
        description="Edit an open opportunity's amount, close date, forecast category or next step; each change "
        "is kept in fieldHistory."
    )
    async def update_opportunity(self, info: Info, input: UpdateOpportunityInput) -> OpportunityPayload:
        return await run_for_node(
            info, OpportunityPayload, Opportunity, desk.UpdateOpportunity, input, desk.update_opportunity
        )

    @strawberry.mutation(
        description="Close an opportunity as won or lost (with a reason; a lost renewal also with a churnReason)."
    )
    async def close_opportunity(self, info: Info, input: CloseOpportunityInput) -> OpportunityPayload:
        taxonomy = info.context.settings.churn_reason_keys
        return await run_for_node(
            info,
            OpportunityPayload,
            Opportunity,
            domain.CloseOpportunity,
            input,
            lambda session, actor, command: domain.close_opportunity(session, actor, command, taxonomy),
        )
