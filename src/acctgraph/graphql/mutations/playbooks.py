"""``startPlaybook``: start a playbook on an account by hand; its tasks go to the owner (or their manager)."""

from __future__ import annotations

import strawberry
from strawberry import relay

from acctgraph.domain.tasks import playbooks as domain
from acctgraph.graphql.context import Info
from acctgraph.graphql.mutations.base import run
from acctgraph.graphql.mutations.inputs import UserError
from acctgraph.graphql.queries.playbooks import configured_playbooks
from acctgraph.graphql.types.playbooks import PlaybookRun
from acctgraph.graphql.types.tasks import Task


@strawberry.input(description="The playbook to start, and on which account.")
class StartPlaybookInput:
    account_id: relay.GlobalID = strawberry.field(description="The account to run it on.")
    playbook: str = strawberry.field(description="The playbook's key (see `playbooks`).")


@strawberry.type(description="The run startPlaybook started and its tasks, or why it started nothing.")
class StartPlaybookPayload:
    playbook_run: PlaybookRun | None = strawberry.field(description="The run; null when userErrors say why not.")
    tasks: list[Task] = strawberry.field(description="The tasks it created, one per step.")
    user_errors: list[UserError] = strawberry.field(description="What to fix; empty when it started.")


@strawberry.type
class PlaybookMutations:
    @strawberry.mutation(description="Start a playbook on an account by hand (once a day per playbook and account).")
    async def start_playbook(self, info: Info, input: StartPlaybookInput) -> StartPlaybookPayload:
        config, today = configured_playbooks(info.context), info.context.today
        result, errors = await run(
            info,
            domain.StartPlaybook,
            input,
            lambda session, actor, command: domain.start_playbook(session, actor, command, config, today),
        )
        started, tasks = result or (None, [])
        return StartPlaybookPayload(
            playbook_run=None if started is None else PlaybookRun.from_row(started),
            tasks=[Task.from_row(task) for task in tasks],
            user_errors=errors,
        )
