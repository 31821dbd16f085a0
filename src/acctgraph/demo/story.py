"""An account's story: its profile, its contracts, and a hidden health curve that every signal (usage,
tickets, NPS, payments, engagement) is drawn from, so that the signals move together, with noise,
months before a churn or an expansion, and sometimes without one (false alarms, silent churners)."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

from acctgraph.demo.accounts import AccountProfile, Fate
from acctgraph.demo.contracts import ContractHistory, plan_contracts
from acctgraph.demo.plan import Window, clamp, stream
from acctgraph.models import LifecycleStage

ONBOARDING_DAYS = 90


@dataclass(frozen=True)
class Swing:
    """A change of health: 0 until ``begins``, ``depth`` at ``peaks`` (linearly), then back to 0 by
    ``fades_by`` or held."""

    begins: date
    peaks: date
    depth: float
    fades_by: date | None = None

    def at(self, day: date) -> float:
        if day <= self.begins:
            return 0.0
        if day <= self.peaks:
            return self.depth * (day - self.begins).days / max(1, (self.peaks - self.begins).days)
        if self.fades_by is None:
            return self.depth
        if day >= self.fades_by:
            return 0.0
        return self.depth * (self.fades_by - day).days / max(1, (self.fades_by - self.peaks).days)


@dataclass(frozen=True)
class Story:
    profile: AccountProfile
    history: ContractHistory
    baseline: float
    swings: tuple[Swing, ...]
    adoption: float
    """The share of seats active on a weekday when health is neutral."""
    window: Window

    @property
    def key(self) -> str:
        return self.profile.key

    @property
    def fate(self) -> Fate:
        return self.history.fate

    @property
    def first_day(self) -> date:
        return self.history.terms[0].start

    @property
    def last_day(self) -> date:
        """The last day as a customer: the churn date, or today."""
        return self.history.churned_on or self.window.today

    def health(self, day: date) -> float:
        """Roughly -2 (about to leave) .. +1.5 (thriving); 0 is an ordinary account."""
        return self.baseline + sum(swing.at(day) for swing in self.swings)

    def observed(self) -> tuple[date, date]:
        """The days of the window in which the account was a customer (first and last inclusive)."""
        return self.window.clip(self.first_day, self.last_day)

    def blocks(self, days: int = 30) -> Iterator[tuple[date, date]]:
        """The observed period cut into blocks of ``days`` (the last one shorter), for monthly rates."""
        first, last = self.observed()
        while first <= last:
            yield first, min(last, first + timedelta(days=days - 1))
            first += timedelta(days=days)

    @cached_property
    def _term_starts(self) -> list[date]:
        return [term.start for term in self.history.terms]

    def seats_on(self, day: date) -> int:
        return self.history.terms[max(0, bisect_right(self._term_starts, day) - 1)].seats

    def onboarding(self, day: date) -> float:
        """0.3 on the first day as a customer, rising to 1 after the onboarding period."""
        days = (day - self.profile.customer_since).days
        return 1.0 if days >= ONBOARDING_DAYS else 0.3 + 0.7 * max(0, days) / ONBOARDING_DAYS

    def adoption_on(self, day: date, health: float) -> float:
        """The expected share of seats active on a weekday of ``day``, given the health that day."""
        return clamp(self.adoption * math.exp(0.45 * health), 0.02, 0.98) * self.onboarding(day)

    def lifecycle_stage(self) -> LifecycleStage:
        if self.fate is Fate.CHURN:
            return LifecycleStage.CHURNED
        if (self.window.today - self.profile.customer_since).days < ONBOARDING_DAYS:
            return LifecycleStage.ONBOARDING
        return (
            LifecycleStage.AT_RISK
            if self.fate is Fate.AT_RISK and self.health(self.window.today) < -0.3
            else LifecycleStage.ACTIVE
        )


def tell_story(profile: AccountProfile, seed: int, window: Window) -> Story:
    rng = stream(seed, "story", profile.key)
    history = plan_contracts(profile, seed, window)
    swings: list[Swing] = []
    days = timedelta(days=1)
    if history.churned_on:
        silent = rng.random() < 0.2
        depth = rng.uniform(-0.3, 0.2) if silent else -rng.uniform(0.9, 1.6)
        swings.append(Swing(history.churned_on - rng.randint(60, 200) * days, history.churned_on, depth))
    for changed_on, fate in history.changed_at.items():
        depth = rng.uniform(0.5, 1.0) if fate is Fate.EXPAND else -rng.uniform(0.3, 0.7)
        peaks = changed_on - rng.randint(0, 20) * days
        swings.append(Swing(peaks - rng.randint(90, 180) * days, peaks, depth, peaks + rng.randint(90, 240) * days))
    if history.fate is Fate.AT_RISK:
        swings.append(
            Swing(
                window.today - rng.randint(45, 150) * days,
                window.today + rng.randint(15, 60) * days,
                -rng.uniform(0.8, 1.4),
            )
        )
    if rng.random() < 0.15:
        begins = window.start + rng.randint(0, window.days - 120) * days
        swings.append(
            Swing(
                begins,
                begins + rng.randint(30, 60) * days,
                -rng.uniform(0.5, 1.0),
                begins + rng.randint(90, 150) * days,
            )
        )
    return Story(
        profile=profile,
        history=history,
        baseline=rng.gauss(0.1, 0.35),
        swings=tuple(swings),
        adoption=rng.uniform(0.5, 0.85),
        window=window,
    )
