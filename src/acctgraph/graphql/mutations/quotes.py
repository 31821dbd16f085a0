"""Quote mutations: draft and edit a quote, then move it through the approval workflow."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry import UNSET, relay

from acctgraph.domain import quotes as domain
from acctgraph.graphql.context import Info
from acctgraph.graphql.mutations.base import run_for_node
from acctgraph.graphql.mutations.inputs import UserError
from acctgraph.graphql.types.enums import QuoteStatus
from acctgraph.graphql.types.quotes import Quote
from acctgraph.graphql.types.scalars import BigInt
from acctgraph.settings import Settings


@strawberry.input
class QuoteLineInput:
    product_id: relay.GlobalID
    quantity: int
    unit_price_minor: BigInt


@strawberry.input
class CreateQuoteInput:
    account_id: relay.GlobalID
    opportunity_id: relay.GlobalID | None = UNSET
    title: str
    currency: str
    discount_percent: Decimal | None = strawberry.field(default=UNSET, description="0-100, e.g. 12.5.")
    lines: list[QuoteLineInput] | None = UNSET


@strawberry.input(description="Drafts only. `lines`, when sent, replace all lines.")
class UpdateQuoteInput:
    id: relay.GlobalID
    version: int
    title: str | None = UNSET
    discount_percent: Decimal | None = UNSET
    lines: list[QuoteLineInput] | None = UNSET


@strawberry.input(
    description="Move a quote: DRAFT -> PENDING_APPROVAL (approved at once when no approval is needed) -> "
    "APPROVED or REJECTED -> SENT -> ACCEPTED or DECLINED; REJECTED -> DRAFT to revise."
)
class ChangeQuoteStatusInput:
    id: relay.GlobalID
    version: int
    status: QuoteStatus
    note: str | None = UNSET


@strawberry.type
class QuotePayload:
    quote: Quote | None
    user_errors: list[UserError]


def thresholds(settings: Settings) -> domain.ApprovalThresholds:
    return domain.ApprovalThresholds(
        discount_bp=round(settings.quote_discount_approval_percent * 100),
        total_minor=settings.quote_admin_approval_total_minor,
    )


@strawberry.type
class QuoteMutations:
    @strawberry.mutation(description="Draft a quote with line items and a discount.")
    async def create_quote(self, info: Info, input: CreateQuoteInput) -> QuotePayload:
        return await run_for_node(info, QuotePayload, Quote, domain.CreateQuote, input, domain.create_quote)

    @strawberry.mutation(description="Edit a draft quote.")
    async def update_quote(self, info: Info, input: UpdateQuoteInput) -> QuotePayload:
        return await run_for_node(info, QuotePayload, Quote, domain.UpdateQuote, input, domain.update_quote)

    @strawberry.mutation(description="Submit, approve, reject, send, or record the customer's answer to a quote.")
    async def change_quote_status(self, info: Info, input: ChangeQuoteStatusInput) -> QuotePayload:
        limits = thresholds(info.context.settings)
        return await run_for_node(
            info,
            QuotePayload,
            Quote,
            domain.ChangeQuoteStatus,
            input,
            lambda session, actor, command: domain.change_quote_status(session, actor, command, limits),
        )
