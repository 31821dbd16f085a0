"""Tasks as the API serves them: an account team's to-dos, in to-do order (overdue first)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlalchemy import ColumnElement
from strawberry import relay

from acctgraph import models
from acctgraph.domain.tasks import lists
from acctgraph.graphql.connections import ChildList, FilterKey
from acctgraph.graphql.context import Info
from acctgraph.graphql.keyset import Ordering, SortKey
from acctgraph.graphql.types.activities import Activity
from acctgraph.graphql.types.alerts import Alert
from acctgraph.graphql.types.lookup import node_of
from acctgraph.graphql.types.node import ModelNode
from acctgraph.graphql.types.opportunities import Opportunity
from acctgraph.graphql.types.signals import NpsResponse
from acctgraph.graphql.types.users import User
from acctgraph.graphql.types.writeback import CrmWriteback, load_crm_writeback

if TYPE_CHECKING:
    from acctgraph.graphql.types.accounts import Account
    from acctgraph.graphql.types.playbooks import PlaybookRun

AccountRef = Annotated["Account", strawberry.lazy("acctgraph.graphql.types.accounts")]
PlaybookRunRef = Annotated["PlaybookRun", strawberry.lazy("acctgraph.graphql.types.playbooks")]

TaskStatus = models.TaskStatus
TaskPriority = models.TaskPriority
TaskOrigin = lists.TaskOrigin
strawberry.enum(TaskStatus, description="OPEN until DONE or CANCELLED; SNOOZED hides it until its snoozedUntil day.")
strawberry.enum(TaskPriority, description="How urgent a task is: LOW, NORMAL, HIGH, URGENT.")
strawberry.enum(TaskOrigin, description="What created a task: by hand, an alert, a QBR, a playbook, a renewal, NPS.")

OVERDUE_FIRST = Ordering(
    (SortKey("due_on", models.Task.due_on, value_type=date), SortKey("id", models.Task.id)),
)
"""To-do order: the earliest due day first, so overdue tasks lead; ties by creation (id)."""


@strawberry.type(description="A to-do on an account for one owner: due on a day, with a priority and a status.")
class Task(ModelNode):
    model = models.Task

    id: relay.NodeID[int]
    title: str = strawberry.field(description="What to do.")
    notes: str | None = strawberry.field(description="Details for whoever does it.")
    due_on: date = strawberry.field(description="The day it is due.")
    priority: TaskPriority = strawberry.field(description="How urgent it is.")
    status: TaskStatus = strawberry.field(description="OPEN, SNOOZED, DONE or CANCELLED.")
    snoozed_until: date | None = strawberry.field(description="Snoozed: the day it shows in the to-do list again.")
    outcome: str | None = strawberry.field(description="What came of it (done), or why it was cancelled.")
    closed_at: datetime | None = strawberry.field(description="When it was done or cancelled.")
    version: int = strawberry.field(description="Send it back with changes (optimistic concurrency).")
    created_at: datetime = strawberry.field(description="When it was created.")
    account_id: strawberry.Private[int]
    owner_id: strawberry.Private[int | None]
    created_by_id: strawberry.Private[int | None]
    alert_id: strawberry.Private[int | None]
    qbr_id: strawberry.Private[int | None]
    opportunity_id: strawberry.Private[int | None]
    nps_response_id: strawberry.Private[int | None]
    playbook_run_id: strawberry.Private[int | None]

    @strawberry.field(description="Open or snoozed, and due before today.")
    def overdue(self, info: Info) -> bool:
        return self.status in lists.OPEN_STATUSES and self.due_on < info.context.today

    @strawberry.field(description="What created it (the matching source field says which one).")
    def origin(self) -> TaskOrigin:
        return lists.task_origin(self)  # type: ignore[arg-type]

    @strawberry.field(description="The account it is for.")
    async def account(self, info: Info) -> AccountRef | None:
        from acctgraph.graphql.types.accounts import Account

        return await node_of(info, models.Account, self.account_id, Account)

    @strawberry.field(description="Who must do it.")
    async def owner(self, info: Info) -> User | None:
        return await node_of(info, models.User, self.owner_id, User)

    @strawberry.field(description="Who created it; null when a rule did.")
    async def created_by(self, info: Info) -> User | None:
        return await node_of(info, models.User, self.created_by_id, User)

    @strawberry.field(description="The alert it answers, if an alert (or a playbook an alert started) created it.")
    async def alert(self, info: Info) -> Alert | None:
        return await node_of(info, models.Alert, self.alert_id, Alert)

    @strawberry.field(description="The QBR whose next step it is.")
    async def qbr(self, info: Info) -> Activity | None:
        return await node_of(info, models.Activity, self.qbr_id, Activity)

    @strawberry.field(description="The renewal opportunity it works.")
    async def opportunity(self, info: Info) -> Opportunity | None:
        return await node_of(info, models.Opportunity, self.opportunity_id, Opportunity)

    @strawberry.field(description="The playbook run that created it.")
    async def playbook_run(self, info: Info) -> PlaybookRunRef | None:
        from acctgraph.graphql.types.playbooks import PlaybookRun

        return await node_of(info, models.PlaybookRun, self.playbook_run_id, PlaybookRun)

    @strawberry.field(description="Its write-back to the CRM the account came from; null when nothing is written back.")
    async def crm_writeback(self, info: Info) -> CrmWriteback | None:
        return await load_crm_writeback(info.context, (models.WritebackEntity.TASK,), self.id)

    @strawberry.field(description="The NPS response it follows up.")
    async def nps_response(self, info: Info) -> NpsResponse | None:
        return await node_of(info, models.NpsResponse, self.nps_response_id, NpsResponse)


def _statuses(key: FilterKey) -> list[ColumnElement[bool]]:
    return [models.Task.status.in_(key)] if key else []


ACCOUNT_TASKS = ChildList("account-tasks", models.Task.account_id, OVERDUE_FIRST, filters=_statuses)
