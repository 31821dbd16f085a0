"""``me { tasks }``: the caller's to-do list across their book, or their team's, overdue first."""

from __future__ import annotations

import enum
from datetime import date
from typing import Annotated, Any

import strawberry

from acctgraph.domain.tasks import lists
from acctgraph.graphql.connections import RootList
from acctgraph.graphql.context import Info
from acctgraph.graphql.ids import decode_ids
from acctgraph.graphql.types.tasks import OVERDUE_FIRST, Task, TaskPriority, TaskStatus


@strawberry.enum(description="Whose tasks a to-do list shows.")
class TaskScope(enum.Enum):
    MINE = strawberry.enum_value("mine", description="The caller's own tasks.")
    TEAM = strawberry.enum_value(
        "team", description="The tasks of everyone below the caller in the team (reports, their reports...)."
    )


@strawberry.input(description="Narrow a to-do list; every given field must match.")
class TaskFilter:
    statuses: list[TaskStatus] | None = strawberry.field(default=None, description="Default: [OPEN, SNOOZED].")
    include_snoozed: bool = strawberry.field(
        default=False, description="Also list snoozed tasks whose day has not come (by default they are hidden)."
    )
    due_by: date | None = strawberry.field(default=None, description="Due on or before this day, e.g. today.")
    account_ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Tasks on these accounts.")
    priorities: list[TaskPriority] | None = strawberry.field(default=None, description="Only these priorities.")

    def to_domain(self) -> lists.TaskListFilter:
        return lists.TaskListFilter(
            statuses=self.statuses or lists.OPEN_STATUSES,
            include_snoozed=self.include_snoozed,
            due_by=self.due_by,
            account_ids=None if self.account_ids is None else decode_ids(self.account_ids, "Account") or [],
            priorities=self.priorities,
        )


def viewer_tasks(
    root: Any,
    info: Info,
    filter: Annotated[TaskFilter | None, strawberry.argument(description="Which tasks; default: open ones.")] = None,
    scope: Annotated[
        TaskScope, strawberry.argument(description="The caller's tasks or their team's.")
    ] = TaskScope.MINE,
) -> RootList:
    """The resolver of ``Viewer.tasks`` (``root`` is the Viewer)."""
    user_id = root.user.id
    owners = [user_id] if scope is TaskScope.MINE else lists.team_member_ids(user_id)
    statement = lists.owned_tasks(owners, (filter or TaskFilter()).to_domain(), info.context.today)
    return RootList(statement, OVERDUE_FIRST, Task.from_row)
