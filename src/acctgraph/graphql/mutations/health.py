"""``recordSentiment``: the account manager's own judgement of an account, an input to its health."""

from __future__ import annotations

import strawberry
from strawberry import UNSET, relay

from acctgraph.domain.health import sentiment as domain
from acctgraph.graphql.context import Info
from acctgraph.graphql.mutations.base import run
from acctgraph.graphql.mutations.inputs import UserError
from acctgraph.graphql.types.enums import Sentiment
from acctgraph.graphql.types.health import AccountSentiment


@strawberry.input(description="Your sentiment on an account, as of today.")
class RecordSentimentInput:
    account_id: relay.GlobalID
    sentiment: Sentiment
    note: str | None = strawberry.field(default=UNSET, description="Why, in a sentence or two (kept with it).")
    valid_days: int | None = strawberry.field(
        default=UNSET, description="How many days it counts in health (1-365, default 90); then it is stale."
    )


@strawberry.type(description="The sentiment recorded, or why nothing was.")
class RecordSentimentPayload:
    sentiment: AccountSentiment | None
    user_errors: list[UserError]


@strawberry.type
class HealthMutations:
    @strawberry.mutation(
        description="Record your sentiment on an account (positive, neutral, negative): the am_sentiment "
        "health measure from today until it expires; earlier records and past scores are kept."
    )
    async def record_sentiment(self, info: Info, input: RecordSentimentInput) -> RecordSentimentPayload:
        today = info.context.today
        row, errors = await run(
            info,
            domain.RecordSentiment,
            input,
            lambda session, actor, command: domain.record_sentiment(session, actor, command, today),
        )
        return RecordSentimentPayload(
            sentiment=None if row is None else AccountSentiment.from_row(row), user_errors=errors
        )
