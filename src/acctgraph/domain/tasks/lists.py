"""Task lists: whose tasks, which of them, in to-do order (overdue first). The API and CLI share these reads."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select

from acctgraph.models import Task, TaskPriority, TaskStatus, User

OPEN_STATUSES = (TaskStatus.OPEN, TaskStatus.SNOOZED)


@dataclass(frozen=True)
class TaskListFilter:
    """Which tasks: by default the open ones, snoozed ones only once their day has come."""

    statuses: Sequence[TaskStatus] = OPEN_STATUSES
    include_snoozed: bool = False
    due_by: date | None = None
    account_ids: Sequence[int] | None = None
    priorities: Sequence[TaskPriority] | None = None

    def conditions(self, today: date) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = [Task.status.in_(self.statuses)]
        if not self.include_snoozed:
            conditions.append(or_(Task.status != TaskStatus.SNOOZED, Task.snoozed_until <= today))
        if self.due_by is not None:
            conditions.append(Task.due_on <= self.due_by)
        if self.account_ids is not None:
            conditions.append(Task.account_id.in_(self.account_ids))
        if self.priorities is not None:
            conditions.append(Task.priority.in_(self.priorities))
        return conditions


def team_member_ids(manager_id: int) -> Select[int]:
    """SELECT the ids of everyone below ``manager_id`` in the team hierarchy (reports, their reports...)."""
    tree = select(User.id).where(User.manager_id == manager_id).cte(name="team", recursive=True)
    tree = tree.union_all(select(User.id).where(User.manager_id == tree.c.id))
    return select(tree.c.id)


def owned_tasks(owner_ids: Sequence[int] | Select[Any], where: TaskListFilter, today: date) -> Select[Any]:
    """The filtered ``select(Task)`` of tasks owned by ``owner_ids`` (ids, or a SELECT of them)."""
    return select(Task).where(Task.owner_id.in_(owner_ids), *where.conditions(today))


def is_overdue(task: Task, today: date) -> bool:
    """Open (or snoozed) and its due day has passed."""
    return task.status in OPEN_STATUSES and task.due_on < today


class TaskOrigin(enum.StrEnum):
    """What created a task."""

    MANUAL = "manual"
    ALERT = "alert"
    QBR = "qbr"
    PLAYBOOK = "playbook"
    RENEWAL = "renewal"
    NPS = "nps"


def task_origin(task: Task) -> TaskOrigin:
    """The most specific source: a playbook run's task is PLAYBOOK even when an alert started the run."""
    sources = (
        (task.playbook_run_id, TaskOrigin.PLAYBOOK),
        (task.qbr_id, TaskOrigin.QBR),
        (task.nps_response_id, TaskOrigin.NPS),
        (task.alert_id, TaskOrigin.ALERT),
        (task.opportunity_id, TaskOrigin.RENEWAL),
    )
    return next((origin for source, origin in sources if source is not None), TaskOrigin.MANUAL)
