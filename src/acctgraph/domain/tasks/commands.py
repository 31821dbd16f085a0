"""Task commands: create, update, reassign, complete, snooze and cancel; each checks the task is still open."""

from __future__ import annotations

from datetime import date

from pydantic import Field
from sqlalchemy.orm import Session

from acctgraph.domain.actors import Actor
from acctgraph.domain.commands import Command, Name, Reason, Text, Version
from acctgraph.domain.events import EventType, publish
from acctgraph.domain.rules import BusinessRuleError, check_version, get_row
from acctgraph.domain.tasks.lists import OPEN_STATUSES
from acctgraph.integration.writeback.outbox import crm_sources
from acctgraph.integration.writeback.registry import writable_entities
from acctgraph.models import Account, CrmWriteback, Role, Task, TaskPriority, TaskStatus, User, WritebackEntity
from acctgraph.models.base import utcnow


class CreateTask(Command):
    account_id: int
    title: Name
    due_on: date
    owner_id: int | None = Field(default=None, description="Default: the account's owner")
    priority: TaskPriority = TaskPriority.NORMAL
    notes: Text | None = None


class UpdateTask(Command):
    id: int
    version: Version
    title: Name | None = None
    due_on: date | None = None
    priority: TaskPriority | None = None
    notes: Text | None = None


class ReassignTask(Command):
    id: int
    version: Version
    owner_id: int


class CompleteTask(Command):
    id: int
    version: Version
    outcome: Text | None = None


class SnoozeTask(Command):
    id: int
    version: Version
    until: date


class CancelTask(Command):
    id: int
    version: Version
    reason: Reason


def assignable_owner(session: Session, owner_id: int, field: str) -> User:
    """An active user who can own work (not a viewer), or an error on ``field`` that says whom to pick."""
    owner: User = get_row(session, User, owner_id, field)
    if not owner.active:
        raise BusinessRuleError("INACTIVE_OWNER", f"{owner.email} is deactivated; pick an active owner", field)
    if owner.role is Role.VIEWER:
        raise BusinessRuleError("VIEWER_OWNER", f"{owner.email} is a viewer and cannot own tasks; pick another", field)
    return owner


def refuse_past(due_on: date, today: date, field: str) -> None:
    if due_on < today:
        raise BusinessRuleError(
            "IN_PAST", f"a task cannot be due in the past (before {today}); pick a later day", field
        )


def create_task(session: Session, actor: Actor, command: CreateTask, today: date) -> Task:
    account: Account = get_row(session, Account, command.account_id, "accountId")
    refuse_past(command.due_on, today, "dueOn")
    owner_id = command.owner_id if command.owner_id is not None else account.owner_id
    if owner_id is None:
        raise BusinessRuleError("NO_OWNER", "the account has no owner; give ownerId", "ownerId")
    assignable_owner(session, owner_id, "ownerId")
    task = Task(
        account_id=account.id,
        owner_id=owner_id,
        title=command.title,
        notes=command.notes,
        due_on=command.due_on,
        priority=command.priority,
        created_by_id=actor.user_id,
    )
    session.add(task)
    session.flush()
    publish_tasks_created(session, [task])
    queue_task_writebacks(session, [task])
    return task


def publish_tasks_created(session: Session, tasks: list[Task]) -> None:
    """A ``task.created`` event per task (flushed, so each has its id), whatever created it."""
    for task in tasks:
        publish(session, EventType.TASK_CREATED, _task_payload(task))


def _task_payload(task: Task) -> dict[str, object]:
    return {
        "task_id": task.id,
        "account_id": task.account_id,
        "owner_id": task.owner_id,
        "title": task.title,
        "due_on": task.due_on,
        "priority": task.priority,
        "status": task.status,
        "alert_id": task.alert_id,
        "playbook_run_id": task.playbook_run_id,
    }


def queue_task_writebacks(session: Session, tasks: list[Task]) -> None:
    """New tasks go to their account's CRM (when one that writes tasks brought the account in): one
    look-up of the account's CRMs per account, whatever the number of tasks."""
    if not tasks:
        return
    session.flush()  # the tasks' ids
    writable = writable_entities()
    targets: dict[int, list[int]] = {}
    for task in tasks:
        if task.account_id not in targets:
            targets[task.account_id] = crm_sources(session, task.account_id, WritebackEntity.TASK, writable)
        session.add_all(
            CrmWriteback(entity=WritebackEntity.TASK, entity_id=task.id, account_id=task.account_id, connection_id=pk)
            for pk in targets[task.account_id]
        )


def _open_task(session: Session, task_id: int, version: int) -> Task:
    task: Task = get_row(session, Task, task_id)
    check_version(task, version)
    if task.status not in OPEN_STATUSES:
        raise BusinessRuleError(
            "TASK_CLOSED", f"this task is already {task.status.value}; create a new task instead", "id"
        )
    return task


def update_task(session: Session, _actor: Actor, command: UpdateTask, today: date) -> Task:
    task = _open_task(session, command.id, command.version)
    changes = command.given("title", "due_on", "priority", "notes")
    for name in ("title", "due_on", "priority"):
        if name in changes and changes[name] is None:
            raise BusinessRuleError("REQUIRED", f"{name} cannot be cleared; give a value or leave it out", name)
    if command.due_on is not None and command.due_on != task.due_on:
        refuse_past(command.due_on, today, "dueOn")
    for name, value in changes.items():
        setattr(task, name, value)
    return task


def reassign_task(session: Session, _actor: Actor, command: ReassignTask) -> Task:
    task = _open_task(session, command.id, command.version)
    task.owner_id = assignable_owner(session, command.owner_id, "ownerId").id
    return task


def complete_task(session: Session, _actor: Actor, command: CompleteTask) -> Task:
    task = _open_task(session, command.id, command.version)
    close_task(task, TaskStatus.DONE, command.outcome)
    publish(session, EventType.TASK_COMPLETED, {**_task_payload(task), "outcome": task.outcome})
    return task


def snooze_task(session: Session, _actor: Actor, command: SnoozeTask, today: date) -> Task:
    task = _open_task(session, command.id, command.version)
    if command.until <= today:
        raise BusinessRuleError("NOT_LATER", f"snooze until a day after today ({today})", "until")
    task.status = TaskStatus.SNOOZED
    task.snoozed_until = command.until
    return task


def cancel_task(session: Session, _actor: Actor, command: CancelTask) -> Task:
    task = _open_task(session, command.id, command.version)
    close_task(task, TaskStatus.CANCELLED, command.reason)
    return task


def close_task(task: Task, status: TaskStatus, outcome: str | None) -> None:
    """Mark an open task done or cancelled now, with what came of it."""
    task.status = status
    task.outcome = outcome
    task.snoozed_until = None
    task.closed_at = utcnow()
