"""Contracts and their lines: MRR in the contract's own currency."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry import relay

from acctgraph import models
from acctgraph.domain.renewal_risk import notice_date
from acctgraph.graphql.context import Info
from acctgraph.graphql.loaders import load_by_id, load_children
from acctgraph.graphql.types.catalog import Product
from acctgraph.graphql.types.enums import BillingPeriod, ContractStatus
from acctgraph.graphql.types.money import Money
from acctgraph.graphql.types.node import ModelNode
from acctgraph.graphql.types.scalars import BigInt


@strawberry.type(description="A product on a contract.")
class ContractLine(ModelNode):
    model = models.ContractLine

    id: relay.NodeID[int]
    quantity: int
    effective_from: date | None = strawberry.field(
        description="First day of this quantity and price; null: the contract's start."
    )
    effective_to: date | None = strawberry.field(
        description="Last day of this quantity and price; null: still current."
    )
    product_id: strawberry.Private[int]
    unit_price_minor: strawberry.Private[int]
    currency: strawberry.Private[str]

    @classmethod
    def of_contract(cls, row: models.ContractLine, currency: str) -> ContractLine:
        return cls(
            id=row.id,
            quantity=row.quantity,
            effective_from=row.effective_from,
            effective_to=row.effective_to,
            product_id=row.product_id,
            unit_price_minor=row.unit_price_minor,
            currency=currency,
        )

    @strawberry.field(description="Price per unit per month.")
    def unit_price(self) -> Money:
        return Money(amount_minor=BigInt(self.unit_price_minor), currency=self.currency)

    @strawberry.field(description="Monthly recurring revenue: quantity x unit price.")
    def mrr(self) -> Money:
        return Money(amount_minor=BigInt(self.quantity * self.unit_price_minor), currency=self.currency)

    @strawberry.field
    async def product(self, info: Info) -> Product | None:
        row = await load_by_id(info.context, models.Product, self.product_id)
        return None if row is None else Product.from_row(row)


@strawberry.type(description="A contract of an account, with its lines and renewal terms.")
class Contract(ModelNode):
    model = models.Contract

    id: relay.NodeID[int]
    number: str
    status: ContractStatus
    start_date: date
    end_date: date
    auto_renew: bool
    notice_period_days: int
    currency: str
    billing_period: BillingPeriod
    churn_reason: str | None = strawberry.field(description="Why it was cancelled: a churn reason key.")
    churn_detail: str | None = strawberry.field(description="Why it was cancelled, in words.")
    created_at: datetime
    updated_at: datetime
    account_id: strawberry.Private[int]
    renewal_of_id: strawberry.Private[int | None]

    @strawberry.field(
        description="For an auto-renewing contract, the last day it can still be cancelled (its notice period "
        "before its end); null when it does not renew by itself."
    )
    def notice_date(self) -> date | None:
        return notice_date(self.end_date, self.notice_period_days) if self.auto_renew else None

    @strawberry.field(
        description="An active auto-renewing contract past its notice date: it renews unless cancelled, and "
        "can no longer be cancelled in time."
    )
    def past_notice_date(self, info: Info) -> bool:
        notice = self.notice_date()
        return notice is not None and self.status is models.ContractStatus.ACTIVE and info.context.today > notice

    @strawberry.field(description="The contract this one renewed.")
    async def renewal_of(self, info: Info) -> Contract | None:
        row = await load_by_id(info.context, models.Contract, self.renewal_of_id)
        return None if row is None else Contract.from_row(row)

    async def _line_versions(self, info: Info) -> list[models.ContractLine]:
        return list(await load_children(info.context, models.ContractLine.contract_id, self.id))

    @strawberry.field(description="The current lines (for a contract that ended, its lines at the end).")
    async def lines(self, info: Info) -> list[ContractLine]:
        rows = await self._line_versions(info)
        return [ContractLine.of_contract(row, self.currency) for row in rows if row.effective_to is None]

    @strawberry.field(
        description="Every version of every line: a change of quantity or price closes one, opens another."
    )
    async def line_history(self, info: Info) -> list[ContractLine]:
        rows = await self._line_versions(info)
        return [ContractLine.of_contract(row, self.currency) for row in rows]

    @strawberry.field(description="Monthly recurring revenue of the current lines, in the contract's currency.")
    async def mrr(self, info: Info) -> Money:
        rows = await self._line_versions(info)
        amount = sum(row.quantity * row.unit_price_minor for row in rows if row.effective_to is None)
        return Money(amount_minor=BigInt(amount), currency=self.currency)

    @strawberry.field(description="Annual recurring revenue: 12 x MRR.")
    async def arr(self, info: Info) -> Money:
        monthly = await self.mrr(info)
        return Money(amount_minor=12 * monthly.amount_minor, currency=self.currency)
