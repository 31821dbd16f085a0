"""``setQuota``: a manager or admin sets an account manager's quota for a period."""

from __future__ import annotations

import strawberry
from strawberry import relay

from acctgraph.domain import quotas as domain
from acctgraph.graphql.context import Info
from acctgraph.graphql.mutations.base import run_for_node
from acctgraph.graphql.mutations.inputs import UserError
from acctgraph.graphql.types.quotas import Quota
from acctgraph.graphql.types.scalars import BigInt
from acctgraph.models import QuotaKind


@strawberry.input(description="A quota; setting one for the same user, kind and period again replaces its amount.")
class SetQuotaInput:
    user_id: relay.GlobalID = strawberry.field(description="The account manager (a user of the caller's team).")
    kind: QuotaKind = strawberry.field(description="Net new ARR or renewal ARR.")
    period: str = strawberry.field(description="Any period form: FY2027-Q1, FY2027, 2026-Q3, 2026-07, ...")
    amount_minor: BigInt = strawberry.field(description="The ARR target in minor units of the reporting currency.")


@strawberry.type
class QuotaPayload:
    quota: Quota | None = strawberry.field(description="The quota as set; null when userErrors is not empty.")
    user_errors: list[UserError]


@strawberry.type
class QuotaMutations:
    @strawberry.mutation(description="Set an account manager's quota for a period (managers: their team's).")
    async def set_quota(self, info: Info, input: SetQuotaInput) -> QuotaPayload:
        settings = info.context.settings
        return await run_for_node(
            info,
            QuotaPayload,
            Quota,
            domain.SetQuota,
            input,
            lambda session, actor, command: domain.set_quota(
                session, actor, command, settings.fiscal_year_start_month, settings.reporting_currency
            ),
        )
