"""Money: integer minor units and a currency, never a float."""

from __future__ import annotations

import strawberry

from acctgraph.domain.money import format_money
from acctgraph.graphql.types.scalars import BigInt


@strawberry.type(description="An amount of money in minor units (cents) of an ISO 4217 currency.")
class Money:
    amount_minor: BigInt = strawberry.field(description="The amount in minor units, e.g. cents.")
    currency: str = strawberry.field(description="ISO 4217 code, e.g. USD.")

    @strawberry.field(description='The amount for people, e.g. "12,345.67 USD".')
    def formatted(self) -> str:
        return format_money(self.amount_minor, self.currency)
