"""Task mutations: create, update, reassign, complete, snooze and cancel an account's tasks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import strawberry
from pydantic import BaseModel
from sqlalchemy.orm import Session
from strawberry import UNSET, relay

from acctgraph.domain.actors import Actor
from acctgraph.domain.tasks import commands as domain
from acctgraph.graphql.context import Info
from acctgraph.graphql.mutations.base import run_for_node
from acctgraph.graphql.mutations.inputs import UserError
from acctgraph.graphql.types.tasks import Task, TaskPriority

C = TypeVar("C", bound=BaseModel)

VERSION = "The version you read (optimistic concurrency)."
TASK_ID = "The task."


@strawberry.input(description="A new task on an account.")
class CreateTaskInput:
    account_id: relay.GlobalID = strawberry.field(description="The account it is for.")
    title: str = strawberry.field(description="What to do.")
    due_on: date = strawberry.field(description="The day it is due (today or later).")
    owner_id: relay.GlobalID | None = strawberry.field(
        default=UNSET, description="Who must do it; default: the account's owner."
    )
    priority: TaskPriority | None = strawberry.field(default=UNSET, description="Default: NORMAL.")
    notes: str | None = strawberry.field(default=UNSET, description="Details for whoever does it.")


@strawberry.input(description="Change an open task; fields left out stay as they are.")
class UpdateTaskInput:
    id: relay.GlobalID = strawberry.field(description=TASK_ID)
    version: int = strawberry.field(description=VERSION)
    title: str | None = strawberry.field(default=UNSET, description="What to do.")
    due_on: date | None = strawberry.field(default=UNSET, description="The new due day (today or later).")
    priority: TaskPriority | None = strawberry.field(default=UNSET, description="How urgent it is.")
    notes: str | None = strawberry.field(default=UNSET, description="Details; null clears them.")


@strawberry.input(description="Give an open task to someone else.")
class ReassignTaskInput:
    id: relay.GlobalID = strawberry.field(description=TASK_ID)
    version: int = strawberry.field(description=VERSION)
    owner_id: relay.GlobalID = strawberry.field(description="The new owner: an active user who is not a viewer.")


@strawberry.input(description="Mark an open task done.")
class CompleteTaskInput:
    id: relay.GlobalID = strawberry.field(description=TASK_ID)
    version: int = strawberry.field(description=VERSION)
    outcome: str | None = strawberry.field(default=UNSET, description="What came of it.")


@strawberry.input(description="Hide an open task from the to-do list until a later day.")
class SnoozeTaskInput:
    id: relay.GlobalID = strawberry.field(description=TASK_ID)
    version: int = strawberry.field(description=VERSION)
    until: date = strawberry.field(description="The day it shows again (after today).")


@strawberry.input(description="Drop an open task, saying why.")
class CancelTaskInput:
    id: relay.GlobalID = strawberry.field(description=TASK_ID)
    version: int = strawberry.field(description=VERSION)
    reason: str = strawberry.field(description="Why it is no longer needed (3-500 characters).")


@strawberry.type(description="The task a task mutation changed, or why it changed nothing.")
class TaskPayload:
    task: Task | None = strawberry.field(description="The task as it is now; null when userErrors say why not.")
    user_errors: list[UserError] = strawberry.field(description="What to fix; empty when the change was made.")


def _on(today: date, work: Callable[[Session, Actor, C, date], Any]) -> Callable[[Session, Actor, C], Any]:
    """A domain function that needs the request's day, with the day bound."""
    return lambda session, actor, command: work(session, actor, command, today)


@strawberry.type
class TaskMutations:
    @strawberry.mutation(description="Create a task on an account for its owner, or for someone else.")
    async def create_task(self, info: Info, input: CreateTaskInput) -> TaskPayload:
        work = _on(info.context.today, domain.create_task)
        return await run_for_node(info, TaskPayload, Task, domain.CreateTask, input, work)

    @strawberry.mutation(description="Change an open task's title, due day, priority or notes.")
    async def update_task(self, info: Info, input: UpdateTaskInput) -> TaskPayload:
        work = _on(info.context.today, domain.update_task)
        return await run_for_node(info, TaskPayload, Task, domain.UpdateTask, input, work)

    @strawberry.mutation(description="Give an open task to another owner.")
    async def reassign_task(self, info: Info, input: ReassignTaskInput) -> TaskPayload:
        return await run_for_node(info, TaskPayload, Task, domain.ReassignTask, input, domain.reassign_task)

    @strawberry.mutation(description="Mark an open task done, with its outcome.")
    async def complete_task(self, info: Info, input: CompleteTaskInput) -> TaskPayload:
        return await run_for_node(info, TaskPayload, Task, domain.CompleteTask, input, domain.complete_task)

    @strawberry.mutation(description="Snooze an open task until a later day.")
    async def snooze_task(self, info: Info, input: SnoozeTaskInput) -> TaskPayload:
        work = _on(info.context.today, domain.snooze_task)
        return await run_for_node(info, TaskPayload, Task, domain.SnoozeTask, input, work)

    @strawberry.mutation(description="Cancel an open task, with the reason.")
    async def cancel_task(self, info: Info, input: CancelTaskInput) -> TaskPayload:
        return await run_for_node(info, TaskPayload, Task, domain.CancelTask, input, domain.cancel_task)
