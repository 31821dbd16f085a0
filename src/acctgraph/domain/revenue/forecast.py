"""The forecast: opportunities closing in a period, by month or quarter, forecast category and kind.

An opportunity falls in the bucket of its expected close date. Its column is closed won or closed
lost once decided, else its forecast category (commit, best case, pipeline); omitted ones are left
out. Weighted amount: won 100%, lost 0%, open amount x probability. An open opportunity counts for
its own owner (who works it), else the account's.

Sums cannot overflow whatever amounts users enter: SQL sums each amount split in two parts (below and
above 10^9 minor units), which no realistic number of rows can overflow in a 64-bit integer, and
Python joins them into an exact integer.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from acctgraph.domain.revenue.money import Rates
from acctgraph.domain.revenue.period import Granularity, Period
from acctgraph.domain.revenue.scope import Scope, account_ids, check_scope
from acctgraph.models import Account, ForecastCategory, Opportunity, OpportunityKind, OpportunityStatus

K = TypeVar("K")


class ForecastColumn(enum.StrEnum):
    CLOSED_WON = "closed_won"
    COMMIT = "commit"
    BEST_CASE = "best_case"
    PIPELINE = "pipeline"
    CLOSED_LOST = "closed_lost"


_OPEN_COLUMNS = {
    ForecastCategory.COMMIT: ForecastColumn.COMMIT,
    ForecastCategory.BEST_CASE: ForecastColumn.BEST_CASE,
    ForecastCategory.PIPELINE: ForecastColumn.PIPELINE,
    ForecastCategory.CLOSED: ForecastColumn.COMMIT,
}
"""An open opportunity marked closed in the CRM but not yet won is as good as committed."""


def forecast_column(status: OpportunityStatus, category: ForecastCategory) -> ForecastColumn | None:
    """Where an opportunity counts in the forecast, or None for an omitted one."""
    if status is OpportunityStatus.WON:
        return ForecastColumn.CLOSED_WON
    if status is OpportunityStatus.LOST:
        return ForecastColumn.CLOSED_LOST
    return _OPEN_COLUMNS.get(category)


@dataclass(frozen=True)
class Totals:
    count: int = 0
    amount_minor: int = 0
    weighted_minor: int = 0

    def __add__(self, other: Totals) -> Totals:
        return Totals(
            self.count + other.count, self.amount_minor + other.amount_minor, self.weighted_minor + other.weighted_minor
        )


@dataclass(frozen=True)
class ForecastLine:
    """Opportunities of one owner, close date, kind and column, in the reporting currency."""

    owner_id: int | None
    close_date: date
    kind: OpportunityKind
    column: ForecastColumn
    totals: Totals


@dataclass(frozen=True)
class ForecastBucket:
    period: Period
    lines: list[ForecastLine] = field(default_factory=list)

    @property
    def by_column(self) -> dict[ForecastColumn, Totals]:
        return _sum_by(self.lines, lambda line: line.column, ForecastColumn)

    @property
    def by_kind(self) -> dict[OpportunityKind, Totals]:
        return _sum_by(self.lines, lambda line: line.kind, OpportunityKind)

    @property
    def totals(self) -> Totals:
        return sum((line.totals for line in self.lines), Totals())


@dataclass(frozen=True)
class Forecast:
    period: Period
    scope: Scope
    currency: str
    granularity: Granularity
    buckets: list[ForecastBucket]

    @property
    def whole_period(self) -> ForecastBucket:
        return ForecastBucket(self.period, [line for bucket in self.buckets for line in bucket.lines])


def _sum_by(lines: Iterable[ForecastLine], key: Callable[[ForecastLine], K], keys: Iterable[K]) -> dict[K, Totals]:
    sums = dict.fromkeys(keys, Totals())
    for line in lines:
        sums[key(line)] += line.totals
    return sums


def forecast(
    session: Session, period: Period, scope: Scope, granularity: Granularity, reporting_currency: str
) -> Forecast:
    """The forecast of ``scope`` for ``period``, one bucket per calendar month or quarter."""
    check_scope(session, scope)
    lines = forecast_lines(session, period, account_ids(scope), Rates.load(session, reporting_currency))
    buckets = [
        ForecastBucket(bucket, [line for line in lines if line.close_date in bucket])
        for bucket in period.buckets(granularity)
    ]
    return Forecast(period, scope, reporting_currency, granularity, buckets)


SPLIT = 10**9
"""Amounts are summed as ``amount // SPLIT`` and ``amount % SPLIT``: each part times a probability
(at most 100) stays below 10^12 per row, so 64-bit sums hold for millions of rows."""


def exact_sum(
    value: ColumnElement[int] | InstrumentedAttribute[int], factor: InstrumentedAttribute[int] | None = None
) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """Two SQL aggregates whose ``joined`` result is the exact sum of ``value`` (x ``factor``, at most 100)."""
    high, low = value // SPLIT, value % SPLIT
    if factor is not None:
        high, low = high * factor, low * factor
    return func.coalesce(func.sum(high), 0), func.coalesce(func.sum(low), 0)


def joined(high: Any, low: Any) -> int:
    """The exact sum from the two parts ``exact_sum`` returned (ints, or Decimals on PostgreSQL)."""
    return int(high) * SPLIT + int(low)


def opportunity_owner() -> ColumnElement[Any]:
    """Who an open opportunity counts for: its own owner, else the account's."""
    return func.coalesce(Opportunity.owner_id, Account.owner_id)


def forecast_lines(session: Session, period: Period, accounts: Select[int], rates: Rates) -> list[ForecastLine]:
    """Opportunities of ``accounts`` expected to close in ``period``, summed per owner, day, kind, status,
    category and currency in SQL, then converted."""
    group = (
        opportunity_owner().label("owner_id"),
        Opportunity.expected_close_date,
        Opportunity.kind,
        Opportunity.status,
        Opportunity.forecast_category,
        Opportunity.currency,
    )
    query = (
        select(
            *group,
            func.count(),
            *exact_sum(Opportunity.amount_minor),
            *exact_sum(Opportunity.amount_minor, Opportunity.probability),
        )
        .join(Account, Account.id == Opportunity.account_id)
        .where(
            Opportunity.deleted_at.is_(None),
            Opportunity.expected_close_date.between(period.start, period.end),
            Opportunity.account_id.in_(accounts),
        )
        .group_by(*group[1:], opportunity_owner())
    )
    rows = session.execute(query).all()
    rates.require({row.currency for row in rows})
    lines = []
    for owner_id, close_date, kind, status, category, currency, count, *sums in rows:
        column = forecast_column(status, category)
        if column is None:
            continue
        assert close_date is not None  # the query keeps close dates within the period
        amount_minor = rates.convert(joined(sums[0], sums[1]), currency)
        weighted = _weighted(column, amount_minor, rates.convert(joined(sums[2], sums[3]), currency))
        lines.append(ForecastLine(owner_id, close_date, kind, column, Totals(count, amount_minor, weighted)))
    return lines


def _weighted(column: ForecastColumn, amount_minor: int, amount_x_percent: int) -> int:
    if column is ForecastColumn.CLOSED_WON:
        return amount_minor
    if column is ForecastColumn.CLOSED_LOST:
        return 0
    return int((Decimal(amount_x_percent) / 100).to_integral_value(ROUND_HALF_UP))


def won_by_owner(session: Session, period: Period, rates: Rates) -> dict[int, int]:
    """What each owner won in ``period``, in the reporting currency: opportunities won on a day in the
    period (``closed_on``), credited to who owned them when they closed (``owner_at_close_id``).

    A close not yet recorded (written by a sync since the last ``record_opportunity_closes``) counts on
    its expected close date for its current owner.
    """
    owner = func.coalesce(Opportunity.owner_at_close_id, opportunity_owner())
    close_day = func.coalesce(Opportunity.closed_on, Opportunity.expected_close_date)
    rows = session.execute(
        select(owner.label("owner_id"), Opportunity.currency, *exact_sum(Opportunity.amount_minor))
        .join(Account, Account.id == Opportunity.account_id)
        .where(
            Opportunity.status == OpportunityStatus.WON,
            Opportunity.deleted_at.is_(None),
            close_day.between(period.start, period.end),
        )
        .group_by(owner, Opportunity.currency)
    ).all()
    rates.require({row.currency for row in rows})
    won: dict[int, int] = {}
    for owner_id, currency, high, low in rows:
        if owner_id is not None:
            won[owner_id] = won.get(owner_id, 0) + rates.convert(joined(high, low), currency)
    return won
