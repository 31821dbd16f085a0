"""Forecast accuracy: each owner's forecast snapshotted when a period starts, against what closed won
in the period (by the day it closed, credited to the owner at close: ``won_by_owner``).

The forecast an owner is held to is what was already won plus what was committed at the snapshot;
accuracy = max(0, 1 - |actual - forecast| / forecast).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from acctgraph.domain.revenue.forecast import ForecastColumn, ForecastLine, Totals, forecast_lines, won_by_owner
from acctgraph.domain.revenue.inserts import insert_new_rows
from acctgraph.domain.revenue.money import Rates
from acctgraph.domain.revenue.period import Period
from acctgraph.domain.revenue.scope import Scope, ScopeKind, account_ids, check_scope, team_members
from acctgraph.models import ForecastSnapshot


class NoForecastSnapshot(LookupError):
    """Accuracy was asked for a period nobody snapshotted, or in another currency than the snapshot's."""


def _columns_by_owner(lines: Iterable[ForecastLine]) -> dict[int, dict[ForecastColumn, Totals]]:
    by_owner: dict[int, dict[ForecastColumn, Totals]] = defaultdict(lambda: defaultdict(Totals))
    for line in lines:
        if line.owner_id is not None:
            by_owner[line.owner_id][line.column] += line.totals
    return by_owner


def snapshot_forecast(session: Session, period: Period, reporting_currency: str, taken_at: datetime) -> int:
    """Record every owner's forecast for ``period`` unless already recorded; the number of owners recorded.

    The first snapshot of a period is the baseline: running it again, even concurrently, changes nothing.
    """
    lines = forecast_lines(session, period, account_ids(Scope.everything()), Rates.load(session, reporting_currency))
    rows = [
        {
            "period_start": period.start,
            "period_end": period.end,
            "owner_id": owner_id,
            "currency": reporting_currency,
            "closed_won_minor": columns[ForecastColumn.CLOSED_WON].amount_minor,
            "commit_minor": columns[ForecastColumn.COMMIT].amount_minor,
            "best_case_minor": columns[ForecastColumn.BEST_CASE].amount_minor,
            "pipeline_minor": columns[ForecastColumn.PIPELINE].amount_minor,
            "weighted_minor": sum(totals.weighted_minor for totals in columns.values()),
            "taken_at": taken_at,
        }
        for owner_id, columns in sorted(_columns_by_owner(lines).items())
    ]
    return len(insert_new_rows(session, ForecastSnapshot, rows))


@dataclass(frozen=True)
class OwnerAccuracy:
    owner_id: int
    forecast_minor: int
    weighted_minor: int
    actual_minor: int

    def __add__(self, other: OwnerAccuracy) -> OwnerAccuracy:
        return OwnerAccuracy(
            self.owner_id,
            self.forecast_minor + other.forecast_minor,
            self.weighted_minor + other.weighted_minor,
            self.actual_minor + other.actual_minor,
        )

    @property
    def accuracy(self) -> float | None:
        if not self.forecast_minor:
            return None
        return round(max(0.0, 1 - abs(self.actual_minor - self.forecast_minor) / self.forecast_minor), 4)


def forecast_accuracy(session: Session, period: Period, scope: Scope, reporting_currency: str) -> list[OwnerAccuracy]:
    """Per owner in ``scope``: the forecasts snapshotted for periods within ``period``, summed, vs closed won."""
    check_scope(session, scope)
    snapshots = _snapshots_within(session, period, scope)
    if not snapshots:
        raise NoForecastSnapshot(
            f"no forecast snapshot within {period.label}; run `acctgraph forecast snapshot --period ...` "
            "when a period starts"
        )
    if currencies := {snapshot.currency for snapshot in snapshots} - {reporting_currency}:
        raise NoForecastSnapshot(f"the snapshots are in {', '.join(sorted(currencies))}; ask in that currency")
    rates = Rates.load(session, reporting_currency)
    won: dict[tuple[Period, int], int] = {}
    for snapshot_period in {Period(s.period_start, s.period_end) for s in snapshots}:
        for owner_id, amount_minor in won_by_owner(session, snapshot_period, rates).items():
            won[snapshot_period, owner_id] = amount_minor
    by_owner: dict[int, OwnerAccuracy] = {}
    for s in snapshots:
        actual = won.get((Period(s.period_start, s.period_end), s.owner_id), 0)
        figures = OwnerAccuracy(s.owner_id, s.closed_won_minor + s.commit_minor, s.weighted_minor, actual)
        by_owner[s.owner_id] = by_owner[s.owner_id] + figures if s.owner_id in by_owner else figures
    return [by_owner[owner_id] for owner_id in sorted(by_owner)]


def _snapshots_within(session: Session, period: Period, scope: Scope) -> list[ForecastSnapshot]:
    query = select(ForecastSnapshot).where(
        ForecastSnapshot.period_start >= period.start, ForecastSnapshot.period_end <= period.end
    )
    if scope.kind is ScopeKind.OWNER:
        query = query.where(ForecastSnapshot.owner_id == scope.user_id)
    elif scope.kind is ScopeKind.TEAM:
        assert scope.user_id is not None
        query = query.where(ForecastSnapshot.owner_id.in_(select(team_members(scope.user_id).c.user_id)))
    elif scope.kind is ScopeKind.SEGMENT:
        raise NoForecastSnapshot("forecast snapshots are kept per owner, not per segment; ask for an owner or a team")
    return list(session.scalars(query))
