"""Daily product usage: ``active_users`` (adoption = active users / licensed seats) and a volume
metric, ``api_calls``. Hundreds of thousands of rows, so they are produced lazily while loading."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from datetime import date

from acctgraph.demo.catalog import ACTIVE_USERS, VOLUME_METRIC
from acctgraph.demo.plan import LazyRows, PlannedRow, Ref, stream
from acctgraph.demo.story import Story

WEEKEND_SHARE = 0.25
"""Weekend activity relative to a weekday: the customers are businesses."""


def usage_rows(stories: Sequence[Story], seed: int) -> LazyRows:
    count = sum(2 * len(_observed_days(story)) for story in stories)
    return LazyRows(count, lambda: (row for story in stories for row in _account_usage(story, seed)))


def _observed_days(story: Story) -> range:
    first, last = story.observed()
    return range(first.toordinal(), last.toordinal() + 1)


def _account_usage(story: Story, seed: int) -> Iterator[PlannedRow]:
    rng = stream(seed, "usage", story.key)
    account = Ref("accounts", story.key)
    calls_per_user = rng.uniform(15, 60)
    for ordinal in _observed_days(story):
        day = date.fromordinal(ordinal)
        health = story.health(day)
        workday = 1.0 if day.weekday() < 5 else WEEKEND_SHARE
        adoption = story.adoption_on(day, health)
        seats = story.seats_on(day)
        active = min(seats, round(seats * adoption * workday * rng.lognormvariate(0, 0.08)))
        calls = round(active * calls_per_user * math.exp(0.3 * health) * rng.lognormvariate(0, 0.25))
        yield PlannedRow(None, {"account_id": account, "metric": ACTIVE_USERS, "day": day, "value": float(active)})
        yield PlannedRow(None, {"account_id": account, "metric": VOLUME_METRIC, "day": day, "value": float(calls)})
