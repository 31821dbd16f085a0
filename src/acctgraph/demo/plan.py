"""The shape of a planned book: rows to insert, keyed by their demo identity, referring to each other
by key rather than by database id (which only the loader knows)."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any


@dataclass(frozen=True, slots=True)
class Ref:
    """Points at another planned row; the loader replaces it with that row's database id."""

    table: str
    key: str


@dataclass(frozen=True, slots=True)
class Formatted:
    """Text naming another planned row's database id (e.g. a playbook run's ``renewal:<id>`` trigger):
    the loader fills ``template``'s ``{}`` with the id ``ref`` points at."""

    template: str
    ref: Ref


@dataclass(slots=True)
class PlannedRow:
    """A row to insert. ``key`` becomes its ``external_refs`` id (source ``demo``); None for rows
    without an id of their own (usage days, attendees, exchange rates)."""

    key: str | None
    values: dict[str, Any]


@dataclass(frozen=True, slots=True)
class LazyRows:
    """Rows too many to hold in memory (daily usage): counted up front, produced while inserting."""

    count: int
    produce: Callable[[], Iterator[PlannedRow]]

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[PlannedRow]:
        return self.produce()


Rows = list[PlannedRow] | LazyRows


@dataclass(frozen=True)
class BookPlan:
    """Everything ``acctgraph demo`` inserts, table by table in an order that satisfies foreign keys."""

    seed: int
    today: date
    tables: dict[str, Rows]

    def counts(self) -> dict[str, int]:
        return {table: len(rows) for table, rows in self.tables.items()}

    def rows(self, table: str) -> list[PlannedRow]:
        """The planned rows of a table held in memory (every table but daily usage)."""
        rows = self.tables[table]
        assert isinstance(rows, list), f"{table} rows are produced while loading"
        return rows


@dataclass(frozen=True, slots=True)
class Window:
    """The two years the book covers, ending yesterday: every date is anchored to ``today``."""

    today: date
    days: int = 730

    @property
    def start(self) -> date:
        return self.today - timedelta(days=self.days)

    def clip(self, first: date, last: date) -> tuple[date, date]:
        """The part of [first, last] inside the window (observed data stops yesterday)."""
        return max(first, self.start), min(last, self.today - timedelta(days=1))


def stream(seed: int, *purpose: object) -> random.Random:
    """A random stream per entity and purpose, so that changing one generator never reshuffles another."""
    return random.Random(":".join(str(part) for part in (seed, *purpose)))


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's method; the means here are small)."""
    if mean <= 0:
        return 0
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def at(day: date, rng: random.Random, first_hour: int = 8, last_hour: int = 18) -> datetime:
    """A UTC timestamp on ``day`` within working hours."""
    return datetime.combine(day, time(rng.randint(first_hour, last_hour - 1), rng.randrange(0, 60, 5)), UTC)


def clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))
