"""``npsReport``: the Net Promoter Score and response rate of the book, by segment, owner or account."""

from __future__ import annotations

from typing import Annotated

import strawberry

from acctgraph import models
from acctgraph.domain import voice
from acctgraph.domain.revenue.period import InvalidPeriod, Period
from acctgraph.graphql.context import Info
from acctgraph.graphql.errors import InvalidArgument
from acctgraph.graphql.queries.revenue import PERIOD_HELP
from acctgraph.graphql.types.accounts import Account
from acctgraph.graphql.types.enums import Segment
from acctgraph.graphql.types.lookup import node_of
from acctgraph.graphql.types.users import User

NpsGrouping = voice.NpsGrouping
strawberry.enum(NpsGrouping, description="What npsReport groups by: the whole BOOK, SEGMENT, OWNER or ACCOUNT.")


@strawberry.type(description="One group's NPS over the period (formulas in docs/metrics.md).")
class NpsGroup:
    segment: Segment | None = strawberry.field(description="The segment, when grouped by SEGMENT.")
    responses: int = strawberry.field(description="Responses received in the period.")
    promoters: int = strawberry.field(description="Responses scoring 9-10.")
    passives: int = strawberry.field(description="Responses scoring 7-8.")
    detractors: int = strawberry.field(description="Responses scoring 0-6.")
    score: float | None = strawberry.field(
        description="NPS: % promoters minus % detractors of the responses, -100 to 100; null without responses."
    )
    accounts: int = strawberry.field(description="Customer accounts in the group (not archived or churned).")
    responding_accounts: int = strawberry.field(description="Of those, the accounts that answered in the period.")
    response_rate: float | None = strawberry.field(
        description="respondingAccounts / accounts, 0 to 1; null without accounts."
    )
    owner_id: strawberry.Private[int | None]
    account_id: strawberry.Private[int | None]

    @strawberry.field(description="The account manager, when grouped by OWNER.")
    async def owner(self, info: Info) -> User | None:
        return await node_of(info, models.User, self.owner_id, User)

    @strawberry.field(description="The account, when grouped by ACCOUNT.")
    async def account(self, info: Info) -> Account | None:
        return await node_of(info, models.Account, self.account_id, Account)

    @classmethod
    def of(cls, figures: voice.NpsFigures, grouping: voice.NpsGrouping) -> NpsGroup:
        return cls(
            segment=figures.key if grouping is NpsGrouping.SEGMENT else None,
            responses=figures.responses,
            promoters=figures.promoters,
            passives=figures.passives,
            detractors=figures.detractors,
            score=figures.score,
            accounts=figures.accounts,
            responding_accounts=figures.responding_accounts,
            response_rate=figures.response_rate,
            owner_id=figures.key if grouping is NpsGrouping.OWNER else None,
            account_id=figures.key if grouping is NpsGrouping.ACCOUNT else None,
        )


@strawberry.type
class VoiceQueries:
    @strawberry.field(description=f"NPS and survey response rate per group; period: {PERIOD_HELP}.")
    async def nps_report(
        self,
        info: Info,
        period: Annotated[str, strawberry.argument(description=f"The period: {PERIOD_HELP}.")],
        group_by: Annotated[NpsGrouping, strawberry.argument(description="How to group.")] = NpsGrouping.SEGMENT,
    ) -> list[NpsGroup]:
        try:
            wanted = Period.parse(period, info.context.settings.fiscal_year_start_month)
        except InvalidPeriod as error:
            raise InvalidArgument(str(error)) from None
        figures = await info.context.db.run_sync(lambda session: voice.nps(session, wanted, group_by))
        return [NpsGroup.of(group, group_by) for group in figures]
