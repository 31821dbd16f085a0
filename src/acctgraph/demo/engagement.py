"""Activities the account managers log: calls, emails, meetings, notes, tasks, and quarterly business
reviews for the accounts that get them. Struggling customers take fewer meetings; some strategic
accounts have gone without a QBR for months."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

from acctgraph.demo.plan import PlannedRow, Ref, at, poisson, stream
from acctgraph.demo.segments import SEGMENTS
from acctgraph.demo.stakeholders import Stakeholder
from acctgraph.demo.story import Story
from acctgraph.demo.vocabulary import ACTIVITY_SUBJECTS
from acctgraph.models import ActivityKind, BuyingRole, Segment

TOUCH_MIX = {
    ActivityKind.CALL: 30,
    ActivityKind.EMAIL: 35,
    ActivityKind.MEETING: 15,
    ActivityKind.NOTE: 10,
    ActivityKind.TASK: 10,
}
ATTENDEES = {ActivityKind.CALL: (1, 2), ActivityKind.MEETING: (1, 3), ActivityKind.EMAIL: (1, 1)}
QBR_EVERY_DAYS = 91


def activity_rows(story: Story, people: list[Stakeholder], seed: int) -> tuple[list[PlannedRow], list[PlannedRow]]:
    """The account's activities and their attendee links."""
    rng = stream(seed, "activities", story.key)
    touches = _touches(story, rng) + [(day, ActivityKind.QBR) for day in _qbr_days(story, rng)]
    activities, attendees = [], []
    for n, (day, kind) in enumerate(sorted(touches), start=1):
        key = f"{story.key}-activity-{n}"
        activities.append(
            PlannedRow(
                key,
                {
                    "account_id": Ref("accounts", story.key),
                    "kind": kind,
                    "occurred_at": at(day, rng),
                    "subject": rng.choice(ACTIVITY_SUBJECTS[kind.value]),
                    "body": _qbr_notes(story, day) if kind is ActivityKind.QBR else None,
                    "author_id": Ref("users", story.profile.owner),
                },
            )
        )
        attendees += [
            PlannedRow(None, {"activity_id": Ref("activities", key), "contact_id": Ref("contacts", contact)})
            for contact in _attendees(kind, people, rng)
        ]
    return activities, attendees


def _touches(story: Story, rng: random.Random) -> list[tuple[date, ActivityKind]]:
    rate = SEGMENTS[story.profile.segment].touches_per_month
    touches = []
    for first, last in story.blocks():
        for _ in range(poisson(rng, rate * math.exp(0.5 * story.health(first)))):
            day = first + timedelta(days=rng.randint(0, (last - first).days))
            touches.append((day, rng.choices(list(TOUCH_MIX), weights=list(TOUCH_MIX.values()))[0]))
    return touches


def _qbr_days(story: Story, rng: random.Random) -> list[date]:
    """Quarterly reviews; a neglected strategic account's stop months ago, a failing account skips some."""
    if rng.random() >= SEGMENTS[story.profile.segment].holds_qbrs:
        return []
    first, last = story.observed()
    if story.profile.segment is Segment.STRATEGIC and rng.random() < 0.35:
        last = min(last, story.window.today - timedelta(days=rng.randint(120, 300)))
    day, days = first + timedelta(days=rng.randint(0, QBR_EVERY_DAYS - 1)), []
    while day <= last:
        if story.health(day) > -0.7 or rng.random() < 0.5:
            days.append(day)
        day += timedelta(days=QBR_EVERY_DAYS + rng.randint(-10, 10))
    return days


def _qbr_notes(story: Story, day: date) -> str:
    adoption = round(100 * story.adoption_on(day, story.health(day)))
    seats = story.seats_on(day)
    return f"Reviewed adoption (about {adoption}% of {seats} seats active), open tickets and the roadmap."


def _attendees(kind: ActivityKind, people: list[Stakeholder], rng: random.Random) -> list[str]:
    if kind is ActivityKind.QBR:
        sponsors = [p.key for p in people if p.role in (BuyingRole.ECONOMIC_BUYER, BuyingRole.CHAMPION)]
        others = [p.key for p in people if p.key not in sponsors]
        return sponsors + rng.sample(others, min(len(others), rng.randint(0, 2)))
    low, high = ATTENDEES.get(kind, (0, 0))
    return [p.key for p in rng.sample(people, min(len(people), rng.randint(low, high)))]
