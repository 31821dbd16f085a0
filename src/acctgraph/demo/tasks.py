"""The account managers' tasks and playbook runs: next steps from each account's latest QBR, a few
tasks of their own, and the shipped playbooks started where their rules hold on the demo's day
(onboarding accounts, renewals entering their window, recent detractors), exactly as
``run_playbooks`` would have started them, so a later refresh starts none of them again. Tasks due
before today are mostly done, one in five left overdue."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from acctgraph.demo.plan import Formatted, PlannedRow, Ref, at, stream
from acctgraph.demo.story import Story
from acctgraph.domain.tasks.playbook_config import (
    DetractorTrigger,
    LifecycleTrigger,
    PlaybookConfig,
    RenewalWindowTrigger,
    StepOwner,
)
from acctgraph.domain.voice import DETRACTOR_MAX_SCORE
from acctgraph.models import ActivityKind, OpportunityKind, OpportunityStatus, TaskPriority, TaskStatus

NEXT_STEPS = ("Send the adoption report", "Book a roadmap session", "Introduce the new support plan")
OWN_TASKS = ("Check in with the champion", "Review open tickets", "Prepare the renewal proposal")
UNSET_COLUMNS = {
    "priority": TaskPriority.NORMAL,
    "qbr_id": None,
    "playbook_run_id": None,
    "opportunity_id": None,
    "nps_response_id": None,
    "closed_at": None,
    "outcome": None,
}
"""Every row names the same columns: the loader inserts a table's rows in one multi-row statement."""


@dataclass(frozen=True)
class AccountRows:
    """What the account's story planned that tasks and playbooks start from."""

    activities: list[PlannedRow]
    opportunities: list[PlannedRow]
    responses: list[PlannedRow]


@dataclass(frozen=True)
class RunStart:
    playbook: str
    day: date
    trigger: str | Formatted
    links: dict[str, Ref]


def task_rows(
    story: Story, planned: AccountRows, playbooks: PlaybookConfig, manager: str | None, seed: int
) -> tuple[list[PlannedRow], list[PlannedRow]]:
    """The account's playbook runs and its tasks (the runs' included)."""
    rng = stream(seed, "tasks", story.key)
    today = story.window.today
    owners = {StepOwner.ACCOUNT_OWNER: story.profile.owner, StepOwner.OWNER_MANAGER: manager or story.profile.owner}
    tasks = [{**values, "owner": story.profile.owner} for values in _next_steps(planned.activities, rng)]
    tasks += [{**values, "owner": story.profile.owner} for values in _own_tasks(today, rng)]
    runs = []
    for n, start in enumerate(_run_starts(story, planned, playbooks), start=1):
        key = f"{story.key}-run-{n}"
        runs.append(
            PlannedRow(
                key,
                {
                    "account_id": Ref("accounts", story.key),
                    "playbook": start.playbook,
                    "trigger": start.trigger,
                    "alert_id": None,
                    "started_at": at(start.day, rng),
                    "started_by_id": None,
                    "closes_with_alert": False,
                },
            )
        )
        tasks += [
            {
                "title": step.title,
                "due_on": start.day + timedelta(days=step.offset_days),
                "priority": step.priority,
                "owner": owners[step.owner],
                "playbook_run_id": Ref("playbook_runs", key),
                **start.links,
            }
            for step in playbooks.playbooks[start.playbook].steps
        ]
    return runs, [_task_row(story, n, values, today, rng) for n, values in enumerate(tasks, start=1)]


def _task_row(story: Story, n: int, values: dict[str, Any], today: date, rng: random.Random) -> PlannedRow:
    owner = values.pop("owner")
    return PlannedRow(
        f"{story.key}-task-{n}",
        {
            "account_id": Ref("accounts", story.key),
            "owner_id": Ref("users", owner),
            "created_by_id": None if "playbook_run_id" in values else Ref("users", owner),
            **UNSET_COLUMNS,
            **values,
            **_state(values["due_on"], today, rng),
        },
    )


def _run_starts(story: Story, planned: AccountRows, playbooks: PlaybookConfig) -> list[RunStart]:
    """Where a shipped playbook's trigger holds on the demo's day, and the day it first held."""
    today = story.window.today
    starts = []
    for key, playbook in playbooks.playbooks.items():
        for trigger in playbook.triggers:
            if isinstance(trigger, LifecycleTrigger) and story.lifecycle_stage() is trigger.stage:
                started = max(story.profile.customer_since, story.window.start)
                starts.append(RunStart(key, started, f"lifecycle:{trigger.stage.value}", {}))
            elif isinstance(trigger, RenewalWindowTrigger):
                starts += [
                    RunStart(
                        key,
                        max(
                            row.values["expected_close_date"] - timedelta(days=trigger.days_before), story.window.start
                        ),
                        Formatted("renewal:{}", Ref("opportunities", str(row.key))),
                        {"opportunity_id": Ref("opportunities", str(row.key))},
                    )
                    for row in planned.opportunities
                    if row.values["kind"] is OpportunityKind.RENEWAL
                    and row.values["status"] is OpportunityStatus.OPEN
                    and today <= row.values["expected_close_date"] <= today + timedelta(days=trigger.days_before)
                ]
            elif isinstance(trigger, DetractorTrigger):
                starts += [
                    RunStart(
                        key,
                        row.values["responded_at"].date(),
                        Formatted("nps:{}", Ref("nps_responses", str(row.key))),
                        {"nps_response_id": Ref("nps_responses", str(row.key))},
                    )
                    for row in planned.responses
                    if row.values["score"] <= DETRACTOR_MAX_SCORE
                    and (today - row.values["responded_at"].date()).days <= trigger.within_days
                ]
    return starts


def _next_steps(activities: list[PlannedRow], rng: random.Random) -> list[dict[str, Any]]:
    qbrs = [row for row in activities if row.values["kind"] is ActivityKind.QBR]
    if not qbrs:
        return []
    latest = qbrs[-1]
    held: date = latest.values["occurred_at"].date()
    return [
        {"title": title, "due_on": held + timedelta(days=14 + 7 * n), "qbr_id": Ref("activities", str(latest.key))}
        for n, title in enumerate(rng.sample(NEXT_STEPS, rng.randint(1, 2)))
    ]


def _own_tasks(today: date, rng: random.Random) -> list[dict[str, Any]]:
    return [
        {"title": title, "due_on": today + timedelta(days=rng.randint(-5, 20))}
        for title in rng.sample(OWN_TASKS, rng.randint(0, 2))
    ]


def _state(due_on: date, today: date, rng: random.Random) -> dict[str, Any]:
    """Tasks due before today: done on their day, but one in five still open (overdue)."""
    if due_on >= today or rng.random() < 0.2:
        return {"status": TaskStatus.OPEN}
    done_at: datetime = at(due_on, rng)
    return {"status": TaskStatus.DONE, "closed_at": done_at, "outcome": "Done"}
