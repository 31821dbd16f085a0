"""Support tickets: more of them, more urgent, more escalated and rated worse when health is low."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, time, timedelta

from acctgraph.demo.plan import PlannedRow, Ref, at, poisson, stream
from acctgraph.demo.segments import SEGMENTS
from acctgraph.demo.stakeholders import Stakeholder
from acctgraph.demo.story import Story
from acctgraph.demo.vocabulary import TICKET_SUBJECTS
from acctgraph.models import Satisfaction, TicketPriority, TicketStatus

MEDIAN_HOURS_TO_SOLVE = {
    TicketPriority.URGENT: 8,
    TicketPriority.HIGH: 24,
    TicketPriority.NORMAL: 72,
    TicketPriority.LOW: 120,
}


def ticket_rows(story: Story, people: list[Stakeholder], seed: int) -> list[PlannedRow]:
    rng = stream(seed, "tickets", story.key)
    as_of = datetime.combine(story.window.today, time(), UTC)
    rate = SEGMENTS[story.profile.segment].tickets_per_month
    rows: list[PlannedRow] = []
    for first, last in story.blocks():
        for _ in range(poisson(rng, rate * math.exp(-0.8 * story.health(first)))):
            day = first + timedelta(days=rng.randint(0, (last - first).days))
            rows.append(_ticket(story, people, f"{story.key}-ticket-{len(rows) + 1}", at(day, rng, 0, 24), as_of, rng))
    return rows


def _ticket(
    story: Story, people: list[Stakeholder], key: str, opened_at: datetime, as_of: datetime, rng: random.Random
) -> PlannedRow:
    trouble = max(0.0, -story.health(opened_at.date()))
    priority = rng.choices(
        list(MEDIAN_HOURS_TO_SOLVE), weights=[0.03 + 0.08 * trouble, 0.15 + 0.15 * trouble, 0.55, 0.27]
    )[0]
    escalated = rng.random() < 0.03 + 0.2 * trouble + (0.3 if priority is TicketPriority.URGENT else 0.0)
    solved_at = opened_at + timedelta(
        hours=MEDIAN_HOURS_TO_SOLVE[priority] * (1 + trouble) * rng.lognormvariate(0, 0.8)
    )
    solved = solved_at <= as_of
    satisfaction = None
    if solved and rng.random() < 0.5:
        bad = 0.1 + 0.35 * trouble + (0.2 if escalated else 0.0)
        satisfaction = Satisfaction.BAD if rng.random() < bad else Satisfaction.GOOD
    return PlannedRow(
        key,
        {
            "account_id": Ref("accounts", story.key),
            "requester_id": Ref("contacts", rng.choice(people).key),
            "subject": rng.choice(TICKET_SUBJECTS),
            "priority": priority,
            "status": _status(solved, solved_at, opened_at, as_of, rng),
            "escalated": escalated,
            "opened_at": opened_at,
            "closed_at": solved_at if solved else None,
            "satisfaction": satisfaction,
        },
    )


def _status(
    solved: bool, solved_at: datetime, opened_at: datetime, as_of: datetime, rng: random.Random
) -> TicketStatus:
    if solved:
        return TicketStatus.SOLVED if as_of - solved_at < timedelta(days=7) else TicketStatus.CLOSED
    if as_of - opened_at < timedelta(days=1):
        return TicketStatus.NEW
    return rng.choice((TicketStatus.OPEN, TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.ON_HOLD))
