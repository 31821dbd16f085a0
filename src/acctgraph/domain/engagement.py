"""Engagement with an account: logged calls, emails, meetings and notes; QBRs scheduled, held, and followed up."""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import AwareDatetime, Field
from sqlalchemy import insert
from sqlalchemy.orm import Session

from acctgraph.domain.actors import Actor
from acctgraph.domain.commands import Command, Name, Text, Version
from acctgraph.domain.rules import BusinessRuleError, check_version, get_row
from acctgraph.domain.tasks.commands import assignable_owner, publish_tasks_created, queue_task_writebacks, refuse_past
from acctgraph.integration.writeback.outbox import queue_writeback
from acctgraph.models import (
    Account,
    Activity,
    ActivityKind,
    ActivityStatus,
    Contact,
    Task,
    WritebackEntity,
    activity_attendees,
)
from acctgraph.models.base import utcnow

LOGGABLE = (ActivityKind.CALL, ActivityKind.EMAIL, ActivityKind.MEETING, ActivityKind.NOTE)
CLOCK_SKEW = timedelta(hours=1)


class LogActivity(Command):
    account_id: int
    kind: ActivityKind
    subject: Name
    body: Text | None = None
    occurred_at: AwareDatetime | None = Field(default=None, description="Default: now")
    attendee_ids: list[int] = Field(default_factory=list, max_length=100)


class ScheduleQbr(Command):
    account_id: int
    scheduled_for: AwareDatetime
    subject: Name = "Quarterly business review"
    attendee_ids: list[int] = Field(default_factory=list, max_length=100)


class NextStep(Command):
    title: Name
    owner_id: int
    due_on: date


class CompleteQbr(Command):
    id: int
    version: Version
    notes: Text
    outcomes: Text | None = None
    next_steps: list[NextStep] = Field(default_factory=list, max_length=50)


class RecordQbr(Command):
    """A QBR that already happened, recorded afterwards (backfill), with what it decided."""

    account_id: int
    held_at: AwareDatetime
    notes: Text
    subject: Name = "Quarterly business review"
    outcomes: Text | None = None
    attendee_ids: list[int] = Field(default_factory=list, max_length=100)
    next_steps: list[NextStep] = Field(default_factory=list, max_length=50)


def _attend(session: Session, activity: Activity, attendee_ids: list[int]) -> None:
    """Attendees must be active contacts of the activity's account."""
    for index, contact_id in enumerate(attendee_ids):
        contact = get_row(session, Contact, contact_id, f"attendeeIds.{index}")
        if contact.account_id != activity.account_id or not contact.active:
            raise BusinessRuleError(
                "NOT_ATTENDEE", f"{contact.name} is not an active contact of this account", f"attendeeIds.{index}"
            )
    if attendee_ids:
        session.execute(
            insert(activity_attendees),
            [{"activity_id": activity.id, "contact_id": pk} for pk in dict.fromkeys(attendee_ids)],
        )


def _new_activity(session: Session, activity: Activity, attendee_ids: list[int]) -> Activity:
    get_row(session, Account, activity.account_id, "accountId")
    session.add(activity)
    session.flush()
    _attend(session, activity, attendee_ids)
    return activity


def log_activity(session: Session, actor: Actor, command: LogActivity) -> Activity:
    if command.kind not in LOGGABLE:
        kinds = ", ".join(kind.name for kind in LOGGABLE)
        raise BusinessRuleError("INVALID_KIND", f"log one of {kinds}; schedule QBRs with scheduleQbr", "kind")
    occurred_at = command.occurred_at or utcnow()
    if occurred_at > utcnow() + CLOCK_SKEW:
        raise BusinessRuleError(
            "IN_FUTURE", "occurredAt is in the future; log activities once they happened", "occurredAt"
        )
    activity = Activity(
        account_id=command.account_id,
        kind=command.kind,
        subject=command.subject,
        body=command.body,
        occurred_at=occurred_at,
        author_id=actor.user_id,
        status=ActivityStatus.DONE,
    )
    _new_activity(session, activity, command.attendee_ids)
    queue_writeback(session, WritebackEntity.ACTIVITY, activity.id, activity.account_id)
    return activity


def schedule_qbr(session: Session, actor: Actor, command: ScheduleQbr) -> Activity:
    if command.scheduled_for < utcnow() - CLOCK_SKEW:
        raise BusinessRuleError(
            "IN_PAST", "scheduledFor is in the past; record a QBR that happened with recordQbr", "scheduledFor"
        )
    activity = Activity(
        account_id=command.account_id,
        kind=ActivityKind.QBR,
        subject=command.subject,
        occurred_at=command.scheduled_for,
        author_id=actor.user_id,
        status=ActivityStatus.SCHEDULED,
    )
    return _new_activity(session, activity, command.attendee_ids)


def complete_qbr(session: Session, actor: Actor, command: CompleteQbr, today: date) -> tuple[Activity, list[Task]]:
    """Record what the QBR decided; each next step becomes an open ``Task`` with an owner and a due date."""
    qbr = get_row(session, Activity, command.id)
    if qbr.kind is not ActivityKind.QBR or qbr.status is not ActivityStatus.SCHEDULED:
        raise BusinessRuleError("NOT_SCHEDULED_QBR", "only a scheduled QBR can be completed; schedule one first", "id")
    check_version(qbr, command.version)
    tasks = [_next_step_task(session, actor, qbr, step, index, today) for index, step in enumerate(command.next_steps)]
    qbr.status = ActivityStatus.DONE
    qbr.body = command.notes
    qbr.outcomes = command.outcomes
    qbr.occurred_at = min(qbr.occurred_at, utcnow())
    session.add_all(tasks)
    session.flush()
    publish_tasks_created(session, tasks)
    _queue_qbr_writebacks(session, qbr, tasks)
    return qbr, tasks


def record_qbr(session: Session, actor: Actor, command: RecordQbr, today: date) -> tuple[Activity, list[Task]]:
    """Record a QBR held in the past, done, with its notes, outcomes and next steps (open tasks)."""
    if command.held_at > utcnow() + CLOCK_SKEW:
        raise BusinessRuleError("IN_FUTURE", "heldAt is in the future; schedule it with scheduleQbr", "heldAt")
    qbr = Activity(
        account_id=command.account_id,
        kind=ActivityKind.QBR,
        subject=command.subject,
        body=command.notes,
        outcomes=command.outcomes,
        occurred_at=command.held_at,
        author_id=actor.user_id,
        status=ActivityStatus.DONE,
    )
    _new_activity(session, qbr, command.attendee_ids)
    tasks = [_next_step_task(session, actor, qbr, step, index, today) for index, step in enumerate(command.next_steps)]
    session.add_all(tasks)
    session.flush()
    publish_tasks_created(session, tasks)
    _queue_qbr_writebacks(session, qbr, tasks)
    return qbr, tasks


def _queue_qbr_writebacks(session: Session, qbr: Activity, tasks: list[Task]) -> None:
    """The held QBR (its notes, outcomes and next steps) and each next step's task go to the account's CRM."""
    queue_writeback(session, WritebackEntity.QBR, qbr.id, qbr.account_id)
    queue_task_writebacks(session, tasks)


def _next_step_task(session: Session, actor: Actor, qbr: Activity, step: NextStep, index: int, today: date) -> Task:
    owner = assignable_owner(session, step.owner_id, f"nextSteps.{index}.ownerId")
    refuse_past(step.due_on, today, f"nextSteps.{index}.dueOn")
    return Task(
        account_id=qbr.account_id,
        owner_id=owner.id,
        title=step.title,
        due_on=step.due_on,
        created_by_id=actor.user_id,
        qbr_id=qbr.id,
    )
