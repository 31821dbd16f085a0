"""Activity mutations: log what happened; schedule a QBR and complete it with next steps."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry import UNSET, relay

from acctgraph.domain import engagement as domain
from acctgraph.graphql.context import Info
from acctgraph.graphql.mutations.base import run, run_for_node
from acctgraph.graphql.mutations.inputs import UserError
from acctgraph.graphql.types.activities import Activity
from acctgraph.graphql.types.enums import ActivityKind
from acctgraph.graphql.types.tasks import Task


@strawberry.input(description="A call, email, meeting or note that happened.")
class LogActivityInput:
    account_id: relay.GlobalID
    kind: ActivityKind
    subject: str
    body: str | None = UNSET
    occurred_at: datetime | None = strawberry.field(default=UNSET, description="Default: now.")
    attendee_ids: list[relay.GlobalID] | None = strawberry.field(default=UNSET, description="Contacts who took part.")


@strawberry.input
class ScheduleQbrInput:
    account_id: relay.GlobalID
    scheduled_for: datetime
    subject: str | None = UNSET
    attendee_ids: list[relay.GlobalID] | None = UNSET


@strawberry.input(description="A next step agreed in a QBR; it becomes an open task.")
class NextStepInput:
    title: str
    owner_id: relay.GlobalID
    due_on: date


@strawberry.input
class CompleteQbrInput:
    id: relay.GlobalID
    version: int
    notes: str
    outcomes: str | None = UNSET
    next_steps: list[NextStepInput] | None = UNSET


@strawberry.type
class ActivityPayload:
    activity: Activity | None
    user_errors: list[UserError]


@strawberry.type
class CompleteQbrPayload:
    activity: Activity | None
    tasks: list[Task] = strawberry.field(description="The next steps, as open tasks.")
    user_errors: list[UserError]


@strawberry.type
class ActivityMutations:
    @strawberry.mutation(description="Log a call, email, meeting or note, with attendees.")
    async def log_activity(self, info: Info, input: LogActivityInput) -> ActivityPayload:
        return await run_for_node(info, ActivityPayload, Activity, domain.LogActivity, input, domain.log_activity)

    @strawberry.mutation(description="Schedule a quarterly business review.")
    async def schedule_qbr(self, info: Info, input: ScheduleQbrInput) -> ActivityPayload:
        return await run_for_node(info, ActivityPayload, Activity, domain.ScheduleQbr, input, domain.schedule_qbr)

    @strawberry.mutation(
        description="Complete a scheduled QBR with notes, outcomes and next steps (which become tasks)."
    )
    async def complete_qbr(self, info: Info, input: CompleteQbrInput) -> CompleteQbrPayload:
        today = info.context.today
        result, errors = await run(
            info,
            domain.CompleteQbr,
            input,
            lambda session, actor, command: domain.complete_qbr(session, actor, command, today),
            "Activity",
        )
        qbr, tasks = result or (None, [])
        return CompleteQbrPayload(
            activity=None if qbr is None else Activity.from_row(qbr),
            tasks=[Task.from_row(task) for task in tasks],
            user_errors=errors,
        )
