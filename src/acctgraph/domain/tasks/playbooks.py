"""Running playbooks: start one on an account (by hand or when a rule's trigger holds), once per trigger,
creating its tasks; close the open tasks of runs whose alert has resolved.

``run_playbooks`` is what the daily refresh calls after the alert rules: it first closes the loop of
alerts that resolved, then starts the runs whose trigger holds and has no run yet. A run's identity is
(playbook, account, trigger); the unique constraint on it keeps a trigger that holds again, or two
refreshes at once, from starting it twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Select, literal, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from acctgraph.domain.actors import Actor
from acctgraph.domain.commands import Command
from acctgraph.domain.rules import BusinessRuleError, get_row
from acctgraph.domain.tasks.commands import close_task, publish_tasks_created, queue_task_writebacks
from acctgraph.domain.tasks.lists import OPEN_STATUSES
from acctgraph.domain.tasks.playbook_config import (
    AlertTrigger,
    DetractorTrigger,
    LifecycleTrigger,
    Playbook,
    PlaybookConfig,
    RenewalWindowTrigger,
    StepOwner,
    Trigger,
    load_playbooks,
)
from acctgraph.domain.voice import DETRACTOR_MAX_SCORE
from acctgraph.models import (
    Account,
    Alert,
    AlertStatus,
    LifecycleStage,
    NpsResponse,
    Opportunity,
    OpportunityKind,
    OpportunityStatus,
    PlaybookRun,
    Task,
    TaskStatus,
    User,
)
from acctgraph.models.base import utcnow

ALERT_RESOLVED_OUTCOME = "Closed automatically: the alert that started its playbook resolved"


@dataclass(frozen=True)
class Start:
    """A trigger holding for an account: the run to start, and what its tasks link to."""

    account_id: int
    trigger: str
    alert_id: int | None = None
    opportunity_id: int | None = None
    nps_response_id: int | None = None


@dataclass
class PlaybookRefresh:
    started: list[PlaybookRun] = field(default_factory=list)
    closed_tasks: list[Task] = field(default_factory=list)


class StartPlaybook(Command):
    account_id: int
    playbook: str


def start_playbook(
    session: Session, actor: Actor, command: StartPlaybook, config: PlaybookConfig, today: date
) -> tuple[PlaybookRun, list[Task]]:
    """Start a playbook on an account by hand; once a day per playbook and account."""
    playbook = config.playbooks.get(command.playbook)
    if playbook is None:
        known = ", ".join(sorted(config.playbooks))
        raise BusinessRuleError("UNKNOWN_PLAYBOOK", f"no playbook {command.playbook!r}; one of {known}", "playbook")
    account: Account = get_row(session, Account, command.account_id, "accountId")
    start = Start(account.id, f"manual:{today.isoformat()}")
    owners = _step_owners(session, {account.id})[account.id]
    started = _start(session, command.playbook, playbook, start, owners, today, actor.user_id)
    if started is None:
        raise BusinessRuleError(
            "DUPLICATE_RUN", f"{playbook.name} was already started on this account today; see its tasks", "playbook"
        )
    return started


def run_playbooks(session: Session, config: PlaybookConfig, today: date) -> PlaybookRefresh:
    """Close the tasks of resolved alerts' runs, then start every run whose trigger holds. Flushes;
    the caller commits. A few queries per trigger, whatever the book's size."""
    refresh = PlaybookRefresh(closed_tasks=close_tasks_of_resolved_alerts(session))
    for key, playbook in config.playbooks.items():
        for trigger in playbook.triggers:
            starts = _new_starts(session, key, list(session.execute(_holding(trigger, today))))
            owners = _step_owners(session, {start.account_id for start in starts})
            for start in starts:
                started = _start(session, key, playbook, start, owners[start.account_id], today, None)
                if started is not None:
                    refresh.started.append(started[0])
    return refresh


def refresh_playbooks(session: Session, playbooks_file: Path | None, today: date) -> PlaybookRefresh:
    """``run_playbooks`` with the playbooks of ACCTGRAPH_PLAYBOOKS_FILE (or the default), committed."""
    refresh = run_playbooks(session, load_playbooks(playbooks_file), today)
    session.commit()
    return refresh


def close_tasks_of_resolved_alerts(session: Session, alert_ids: Iterable[int] | None = None) -> list[Task]:
    """Open tasks of runs that close with their alert, whose alert is resolved (all, or of ``alert_ids``)."""
    statement = (
        select(Task)
        .join(PlaybookRun, PlaybookRun.id == Task.playbook_run_id)
        .join(Alert, Alert.id == PlaybookRun.alert_id)
        .where(PlaybookRun.closes_with_alert, Alert.status == AlertStatus.RESOLVED, Task.status.in_(OPEN_STATUSES))
        .order_by(Task.id)
    )
    if alert_ids is not None:
        statement = statement.where(Alert.id.in_(list(alert_ids)))
    tasks = list(session.scalars(statement))
    for task in tasks:
        close_task(task, TaskStatus.CANCELLED, ALERT_RESOLVED_OUTCOME)
    session.flush()
    return tasks


def _holding(trigger: Trigger, today: date) -> Select[*tuple[Any, ...]]:
    """SELECT account_id, trigger key and links of every account where ``trigger`` holds on ``today``."""
    if isinstance(trigger, AlertTrigger):
        return (
            select(Alert.account_id, Alert.id.label("alert_id"))
            .where(Alert.status != AlertStatus.RESOLVED, Alert.rule.in_(trigger.rules))
            .join(Account, Account.id == Alert.account_id)
            .where(*_live_conditions())
        )
    if isinstance(trigger, LifecycleTrigger):
        return select(Account.id.label("account_id"), literal(trigger.stage.value).label("stage")).where(
            Account.lifecycle_stage == trigger.stage, *_live_conditions()
        )
    if isinstance(trigger, RenewalWindowTrigger):
        return (
            select(Opportunity.account_id, Opportunity.id.label("opportunity_id"))
            .join(Account, Account.id == Opportunity.account_id)
            .where(
                Opportunity.kind == OpportunityKind.RENEWAL,
                Opportunity.status == OpportunityStatus.OPEN,
                Opportunity.deleted_at.is_(None),
                Opportunity.expected_close_date >= today,
                Opportunity.expected_close_date <= today + timedelta(days=trigger.days_before),
                *_live_conditions(),
            )
        )
    assert isinstance(trigger, DetractorTrigger)
    since = datetime.combine(today - timedelta(days=trigger.within_days), time.min, tzinfo=utcnow().tzinfo)
    return (
        select(NpsResponse.account_id, NpsResponse.id.label("nps_response_id"))
        .join(Account, Account.id == NpsResponse.account_id)
        .where(
            NpsResponse.score <= DETRACTOR_MAX_SCORE,
            NpsResponse.responded_at >= since,
            NpsResponse.deleted_at.is_(None),
            *_live_conditions(),
        )
    )


def _live_conditions() -> tuple[Any, ...]:
    return (
        Account.archived_at.is_(None),
        Account.deleted_at.is_(None),
        Account.lifecycle_stage != LifecycleStage.CHURNED,
    )


def _trigger_key(row: Any) -> Start:
    links = row._mapping
    if "alert_id" in links:
        return Start(row.account_id, f"alert:{row.alert_id}", alert_id=row.alert_id)
    if "opportunity_id" in links:
        return Start(row.account_id, f"renewal:{row.opportunity_id}", opportunity_id=row.opportunity_id)
    if "nps_response_id" in links:
        return Start(row.account_id, f"nps:{row.nps_response_id}", nps_response_id=row.nps_response_id)
    return Start(row.account_id, f"lifecycle:{row.stage}")


def _new_starts(session: Session, key: str, rows: list[Any]) -> list[Start]:
    """The starts whose (playbook, account, trigger) has no run yet: one read."""
    starts = [_trigger_key(row) for row in rows]
    if not starts:
        return []
    pairs = [(start.account_id, start.trigger) for start in starts]
    existing = {
        (account_id, trigger)
        for account_id, trigger in session.execute(
            select(PlaybookRun.account_id, PlaybookRun.trigger).where(
                PlaybookRun.playbook == key,
                tuple_(PlaybookRun.account_id, PlaybookRun.trigger).in_(pairs),
            )
        )
    }
    return [start for start in starts if (start.account_id, start.trigger) not in existing]


def _start(
    session: Session,
    key: str,
    playbook: Playbook,
    start: Start,
    owners: dict[StepOwner, int | None],
    today: date,
    started_by_id: int | None,
) -> tuple[PlaybookRun, list[Task]] | None:
    """Insert the run and its tasks, or None if that (playbook, account, trigger) already ran."""
    run = PlaybookRun(
        account_id=start.account_id,
        playbook=key,
        trigger=start.trigger,
        alert_id=start.alert_id,
        started_at=utcnow(),
        started_by_id=started_by_id,
        closes_with_alert=playbook.closes_with_alert and start.alert_id is not None,
    )
    try:
        with session.begin_nested():
            session.add(run)
            session.flush()
    except IntegrityError:
        return None
    tasks = [
        Task(
            account_id=start.account_id,
            owner_id=owners[step.owner],
            title=step.title,
            due_on=today + timedelta(days=step.offset_days),
            priority=step.priority,
            created_by_id=started_by_id,
            playbook_run_id=run.id,
            alert_id=start.alert_id,
            opportunity_id=start.opportunity_id,
            nps_response_id=start.nps_response_id,
        )
        for step in playbook.steps
    ]
    session.add_all(tasks)
    session.flush()
    publish_tasks_created(session, tasks)
    queue_task_writebacks(session, tasks)
    return run, tasks


def _step_owners(session: Session, account_ids: set[int]) -> dict[int, dict[StepOwner, int | None]]:
    """Per account: its owner, and the owner's manager (the owner again if they have none). One read."""
    if not account_ids:
        return {}
    rows = session.execute(
        select(Account.id, Account.owner_id, User.manager_id)
        .outerjoin(User, User.id == Account.owner_id)
        .where(Account.id.in_(sorted(account_ids)))
    )
    return {
        account_id: {StepOwner.ACCOUNT_OWNER: owner_id, StepOwner.OWNER_MANAGER: manager_id or owner_id}
        for account_id, owner_id, manager_id in rows
    }
