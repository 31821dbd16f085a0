"""The account managers' tasks: next steps from each account's latest QBR, follow-ups of recent detractor
NPS responses, and a few tasks of their own; those due before today are mostly done, a few left overdue."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from acctgraph.domain.demo.plan import PlannedRow, Ref, at, stream
from acctgraph.domain.demo.story import Story
from acctgraph.models import ActivityKind, TaskPriority, TaskStatus

NEXT_STEPS = ("Send the adoption report", "Book a roadmap session", "Introduce the new support plan")
OWN_TASKS = ("Check in with the champion", "Review open tickets", "Prepare the renewal proposal")
FOLLOW_UP_DAYS = 7
RECENT_DETRACTOR_DAYS = 90
DETRACTOR_BELOW = 7
UNSET_COLUMNS = {
    "priority": TaskPriority.NORMAL,
    "qbr_id": None,
    "nps_response_id": None,
    "closed_at": None,
    "outcome": None,
}
"""Every row names the same columns: the loader inserts a table's rows in one multi-row statement."""


def task_rows(story: Story, activities: list[PlannedRow], responses: list[PlannedRow], seed: int) -> list[PlannedRow]:
    """The account's tasks, planned from its QBRs and NPS responses."""
    rng = stream(seed, "tasks", story.key)
    today = story.window.today
    planned = [*_next_steps(activities, rng), *_follow_ups(responses, today), *_own_tasks(today, rng)]
    return [
        PlannedRow(
            f"{story.key}-task-{n}",
            {
                "account_id": Ref("accounts", story.key),
                "owner_id": Ref("users", story.profile.owner),
                "created_by_id": Ref("users", story.profile.owner),
                **UNSET_COLUMNS,
                **values,
                **_state(values["due_on"], today, rng),
            },
        )
        for n, values in enumerate(planned, start=1)
    ]


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


def _follow_ups(responses: list[PlannedRow], today: date) -> list[dict[str, Any]]:
    recent = [
        row
        for row in responses
        if row.values["score"] < DETRACTOR_BELOW
        and (today - row.values["responded_at"].date()).days <= RECENT_DETRACTOR_DAYS
    ]
    return [
        {
            "title": f"Follow up the NPS {row.values['score']} response",
            "due_on": row.values["responded_at"].date() + timedelta(days=FOLLOW_UP_DAYS),
            "priority": TaskPriority.HIGH,
            "nps_response_id": Ref("nps_responses", str(row.key)),
        }
        for row in recent
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
