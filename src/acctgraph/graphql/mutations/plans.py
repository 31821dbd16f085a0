"""Account plan mutations: goals and initiatives."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import UNSET, relay

from acctgraph.domain import plans as domain
from acctgraph.graphql.context import Info
from acctgraph.graphql.mutations.base import run_for_node
from acctgraph.graphql.mutations.inputs import UserError
from acctgraph.graphql.types.enums import PlanItemStatus
from acctgraph.graphql.types.plans import PlanItem


@strawberry.input(description="A goal of the account's plan, or with `goalId` an initiative under that goal.")
class CreatePlanItemInput:
    account_id: relay.GlobalID
    goal_id: relay.GlobalID | None = UNSET
    title: str
    description: str | None = UNSET
    status: PlanItemStatus | None = UNSET
    due_on: date | None = UNSET
    owner_id: relay.GlobalID | None = strawberry.field(default=UNSET, description="Default: you.")


@strawberry.input(description="Only the fields you send change; `version` is the one you read.")
class UpdatePlanItemInput:
    id: relay.GlobalID
    version: int
    title: str | None = UNSET
    description: str | None = UNSET
    status: PlanItemStatus | None = UNSET
    due_on: date | None = UNSET
    owner_id: relay.GlobalID | None = UNSET


@strawberry.type
class PlanItemPayload:
    plan_item: PlanItem | None
    user_errors: list[UserError]


@strawberry.type
class PlanMutations:
    @strawberry.mutation(description="Add a goal or an initiative to an account plan.")
    async def create_plan_item(self, info: Info, input: CreatePlanItemInput) -> PlanItemPayload:
        return await run_for_node(
            info, PlanItemPayload, PlanItem, domain.CreatePlanItem, input, domain.create_plan_item
        )

    @strawberry.mutation(description="Change a goal or initiative: title, status, due date, owner.")
    async def update_plan_item(self, info: Info, input: UpdatePlanItemInput) -> PlanItemPayload:
        return await run_for_node(
            info, PlanItemPayload, PlanItem, domain.UpdatePlanItem, input, domain.update_plan_item
        )
