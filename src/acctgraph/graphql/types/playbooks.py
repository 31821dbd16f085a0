"""Playbooks as the API serves them: the configured templates, and their runs on accounts."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from acctgraph import models
from acctgraph.domain.tasks import playbook_config as config
from acctgraph.graphql.connections import ChildList, ChildPage, Connection, paginated
from acctgraph.graphql.context import Info
from acctgraph.graphql.keyset import Ordering, SortKey
from acctgraph.graphql.types.alerts import Alert
from acctgraph.graphql.types.lookup import node_of
from acctgraph.graphql.types.node import ModelNode
from acctgraph.graphql.types.tasks import OVERDUE_FIRST, Task, TaskPriority
from acctgraph.graphql.types.users import User

if TYPE_CHECKING:
    from acctgraph.graphql.types.accounts import Account

AccountRef = Annotated["Account", strawberry.lazy("acctgraph.graphql.types.accounts")]

StepOwner = config.StepOwner
strawberry.enum(StepOwner, description="Who gets a playbook step's task: ACCOUNT_OWNER, or OWNER_MANAGER.")

NEWEST_RUNS_FIRST = Ordering(
    (
        SortKey("started_at", models.PlaybookRun.started_at, descending=True, value_type=datetime),
        SortKey("id", models.PlaybookRun.id, descending=True),
    )
)
RUN_TASKS = ChildList("playbook-run-tasks", models.Task.playbook_run_id, OVERDUE_FIRST)
ACCOUNT_PLAYBOOK_RUNS = ChildList("account-playbook-runs", models.PlaybookRun.account_id, NEWEST_RUNS_FIRST)


@strawberry.type(description="One step of a playbook: the task it creates.")
class PlaybookStep:
    title: str = strawberry.field(description="The task's title.")
    offset_days: int = strawberry.field(description="The task is due this many days after the run starts.")
    owner: StepOwner = strawberry.field(description="Who gets the task.")
    priority: TaskPriority = strawberry.field(description="The task's priority.")


@strawberry.type(description="A named template of tasks, started by hand (startPlaybook) or by its triggers.")
class Playbook:
    key: str = strawberry.field(description="Its key in the playbooks file; pass it to startPlaybook.")
    name: str = strawberry.field(description="Its name.")
    steps: list[PlaybookStep] = strawberry.field(description="The tasks a run creates, in order.")
    triggers: list[str] = strawberry.field(
        description="What starts it automatically, e.g. alert:renewal_while_red, lifecycle:onboarding, "
        "renewal_window:90, nps_detractor:30."
    )
    closes_with_alert: bool = strawberry.field(
        description="A run an alert started closes its open tasks when the alert resolves."
    )

    @classmethod
    def from_config(cls, key: str, playbook: config.Playbook) -> Playbook:
        return cls(
            key=key,
            name=playbook.name,
            steps=[
                PlaybookStep(title=step.title, offset_days=step.offset_days, owner=step.owner, priority=step.priority)
                for step in playbook.steps
            ],
            triggers=[config.describe_trigger(trigger) for trigger in playbook.triggers],
            closes_with_alert=playbook.closes_with_alert,
        )


@strawberry.type(description="A playbook started on an account, once per trigger, with the tasks it created.")
class PlaybookRun(ModelNode):
    model = models.PlaybookRun

    id: relay.NodeID[int]
    playbook: str = strawberry.field(description="The playbook's key.")
    trigger: str = strawberry.field(
        description="What started it: alert:<id>, lifecycle:<stage>, renewal:<opportunity id>, nps:<response id> "
        "or manual:<day>."
    )
    started_at: datetime = strawberry.field(description="When it started.")
    closes_with_alert: bool = strawberry.field(description="Its open tasks close when its alert resolves.")
    account_id: strawberry.Private[int]
    alert_id: strawberry.Private[int | None]
    started_by_id: strawberry.Private[int | None]

    @strawberry.field(description="The account it runs on.")
    async def account(self, info: Info) -> AccountRef | None:
        from acctgraph.graphql.types.accounts import Account

        return await node_of(info, models.Account, self.account_id, Account)

    @strawberry.field(description="The alert that started it, if one did.")
    async def alert(self, info: Info) -> Alert | None:
        return await node_of(info, models.Alert, self.alert_id, Alert)

    @strawberry.field(description="Who started it by hand; null when a rule did.")
    async def started_by(self, info: Info) -> User | None:
        return await node_of(info, models.User, self.started_by_id, User)

    @paginated("The tasks it created, overdue first.", Connection[Task])
    def tasks(self) -> ChildPage:
        return ChildPage(RUN_TASKS, self.id, Task.from_row)
