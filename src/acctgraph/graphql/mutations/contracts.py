"""``cancelContract``: end an active contract early, saying why (a churn reason and its detail)."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import UNSET, relay

from acctgraph.domain import renewal_desk as desk
from acctgraph.graphql.context import Info
from acctgraph.graphql.mutations.base import run_for_node
from acctgraph.graphql.mutations.inputs import UserError
from acctgraph.graphql.types.contracts import Contract


@strawberry.input(description="Cancel an active contract; a churn reason from churnReasons is required.")
class CancelContractInput:
    id: relay.GlobalID = strawberry.field(description="The contract.")
    churn_reason: str = strawberry.field(description="Why: one of `churnReasons`.")
    reason: str = strawberry.field(description="Why, in words (3 to 500 characters).")
    ends_on: date | None = strawberry.field(
        default=UNSET, description="Its last day: today (default) or later, not after its end date."
    )


@strawberry.type
class ContractPayload:
    contract: Contract | None = strawberry.field(description="The contract; null when userErrors is not empty.")
    user_errors: list[UserError]


@strawberry.type
class ContractMutations:
    @strawberry.mutation(
        description="Cancel an active contract with a churn reason; its open renewal closes lost with the same one."
    )
    async def cancel_contract(self, info: Info, input: CancelContractInput) -> ContractPayload:
        taxonomy, today = info.context.settings.churn_reason_keys, info.context.today
        return await run_for_node(
            info,
            ContractPayload,
            Contract,
            desk.CancelContract,
            input,
            lambda session, actor, command: desk.cancel_contract(session, actor, command, taxonomy, today),
        )
