"""Promotion mutations: launch a campaign for strategic accounts; record each account's result."""

from __future__ import annotations

from datetime import date

import strawberry
from sqlalchemy.orm import Session
from strawberry import UNSET, relay

from acctgraph import models
from acctgraph.domain import promotions as domain
from acctgraph.domain.actors import Actor
from acctgraph.graphql.context import Info
from acctgraph.graphql.mutations.base import run_for_node
from acctgraph.graphql.mutations.inputs import UserError
from acctgraph.graphql.types.enums import PromotionOutcome
from acctgraph.graphql.types.promotions import Promotion, PromotionTarget
from acctgraph.graphql.types.scalars import BigInt


@strawberry.input(description="Target accounts must be strategic (segment STRATEGIC or MRR at the threshold).")
class CreatePromotionInput:
    name: str
    offer: str
    starts_on: date
    ends_on: date
    account_ids: list[relay.GlobalID]


@strawberry.input(description="`id` is a PromotionTarget's id (one account in one promotion).")
class RecordPromotionResultInput:
    id: relay.GlobalID
    version: int
    outcome: PromotionOutcome
    revenue_minor: BigInt | None = UNSET
    currency: str | None = UNSET
    note: str | None = UNSET


@strawberry.type
class PromotionPayload:
    promotion: Promotion | None
    user_errors: list[UserError]


@strawberry.type
class PromotionTargetPayload:
    target: PromotionTarget | None
    user_errors: list[UserError]


@strawberry.type
class PromotionMutations:
    @strawberry.mutation(description="Launch a promotion for a set of strategic accounts over a period.")
    async def create_promotion(self, info: Info, input: CreatePromotionInput) -> PromotionPayload:
        settings = info.context.settings
        today = info.context.today

        def work(session: Session, actor: Actor, command: domain.CreatePromotion) -> models.Promotion:
            return domain.create_promotion(
                session, actor, command, today, settings.reporting_currency, settings.strategic_mrr_threshold_minor
            )

        return await run_for_node(info, PromotionPayload, Promotion, domain.CreatePromotion, input, work)

    @strawberry.mutation(description="Record what one target account did with a promotion.")
    async def record_promotion_result(self, info: Info, input: RecordPromotionResultInput) -> PromotionTargetPayload:
        return await run_for_node(
            info, PromotionTargetPayload, PromotionTarget, domain.RecordPromotionResult, input, domain.record_result
        )
