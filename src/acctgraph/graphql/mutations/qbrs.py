"""``recordQbr``: a QBR that already happened, recorded afterwards so QBR coverage can be backfilled."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import UNSET, relay

from acctgraph.domain import engagement as domain
from acctgraph.graphql.context import Info
from acctgraph.graphql.mutations.activities import CompleteQbrPayload, NextStepInput
from acctgraph.graphql.mutations.base import run
from acctgraph.graphql.types.activities import Activity
from acctgraph.graphql.types.tasks import Task


@strawberry.input(description="A QBR that was held, with what it decided.")
class RecordQbrInput:
    account_id: relay.GlobalID = strawberry.field(description="The account it was held with.")
    held_at: datetime = strawberry.field(description="When it was held (now or earlier).")
    notes: str = strawberry.field(description="What was reviewed.")
    subject: str | None = strawberry.field(default=UNSET, description="Default: Quarterly business review.")
    outcomes: str | None = strawberry.field(default=UNSET, description="What was agreed.")
    attendee_ids: list[relay.GlobalID] | None = strawberry.field(
        default=UNSET, description="The account's contacts who took part."
    )
    next_steps: list[NextStepInput] | None = strawberry.field(
        default=UNSET, description="Next steps; each becomes an open task."
    )


@strawberry.type
class QbrMutations:
    @strawberry.mutation(description="Record a QBR that already happened (backfill), done, with its next steps.")
    async def record_qbr(self, info: Info, input: RecordQbrInput) -> CompleteQbrPayload:
        today = info.context.today
        result, errors = await run(
            info,
            domain.RecordQbr,
            input,
            lambda session, actor, command: domain.record_qbr(session, actor, command, today),
        )
        qbr, tasks = result or (None, [])
        return CompleteQbrPayload(
            activity=None if qbr is None else Activity.from_row(qbr),
            tasks=[Task.from_row(task) for task in tasks],
            user_errors=errors,
        )
