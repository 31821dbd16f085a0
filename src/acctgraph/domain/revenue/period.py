"""Reporting periods: a year, a quarter, a month, a fiscal year or quarter, or an explicit date range, and
their calendar buckets.

Fiscal years follow Salesforce's convention: a fiscal year is named by the calendar year it *ends* in. With
the fiscal year starting in February (``ACCTGRAPH_FISCAL_YEAR_START_MONTH=2``), ``FY2027`` runs from
2026-02-01 to 2027-01-31 and ``FY2027-Q1`` from 2026-02-01 to 2026-04-30. With the default start month (1),
``FY2027`` is the calendar year 2027.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta


class InvalidPeriod(ValueError):
    """A period that cannot be parsed or runs backwards; the message shows the accepted forms."""


class PeriodInFuture(InvalidPeriod):
    """A period that starts after today: there is nothing measured in it yet."""

    def __init__(self, period: Period, today: date) -> None:
        self.period = period
        self.today = today
        super().__init__(
            f"period {period.label} starts on {period.start.isoformat()}, after today ({today.isoformat()}): "
            "nothing has happened in it yet; ask for a period that has started (it is measured up to today)"
        )


class Granularity(enum.StrEnum):
    MONTH = "month"
    QUARTER = "quarter"


PERIOD_FORMS = "2026, 2026-Q3, 2026-07, FY2027, FY2027-Q1 or 2026-07-01..2026-09-30"
_FISCAL = re.compile(r"[Ff][Yy](\d{4})(?:-[Qq]([1-4]))?")
_FORMS = (
    (re.compile(r"(\d{4})"), lambda y: (date(int(y), 1, 1), date(int(y), 12, 31))),
    (re.compile(r"(\d{4})-[Qq]([1-4])"), lambda y, q: _quarter(int(y), int(q))),
    (re.compile(r"(\d{4})-(\d{2})"), lambda y, m: _month(int(y), int(m))),
    (
        re.compile(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})"),
        lambda a, b: (date.fromisoformat(a), date.fromisoformat(b)),
    ),
)


def _month(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def fiscal_bounds(year: int, quarter: int | None, start_month: int) -> tuple[date, date]:
    """The first and last day of fiscal year ``year`` (or its quarter ``quarter``, 1-4) for a fiscal year
    starting in ``start_month``; the year is named by the calendar year it ends in."""
    if not 1 <= start_month <= 12:
        raise InvalidPeriod(f"the fiscal year start month must be 1-12, not {start_month}")
    first_calendar_year = year if start_month == 1 else year - 1
    first = first_calendar_year * 12 + (start_month - 1) + (3 * (quarter - 1) if quarter else 0)
    last = first + (3 if quarter else 12) - 1
    return _month(first // 12, first % 12 + 1)[0], _month(last // 12, last % 12 + 1)[1]


def _quarter(year: int, quarter: int) -> tuple[date, date]:
    first_month = 3 * (quarter - 1) + 1
    return _month(year, first_month)[0], _month(year, first_month + 2)[1]


@dataclass(frozen=True)
class Period:
    """The days ``start`` to ``end``, both included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidPeriod(f"period ends ({self.end}) before it starts ({self.start})")

    @classmethod
    def parse(cls, text: str, fiscal_start_month: int = 1) -> Period:
        """Read ``2026``, ``2026-Q3``, ``2026-07``, ``FY2027``, ``FY2027-Q1`` or ``2026-07-01..2026-09-30``;
        fiscal forms count from ``fiscal_start_month`` (the ``ACCTGRAPH_FISCAL_YEAR_START_MONTH`` setting)."""
        fiscal = _FISCAL.fullmatch(text.strip())
        if fiscal:
            year, quarter = fiscal.groups()
            return cls(*fiscal_bounds(int(year), int(quarter) if quarter else None, fiscal_start_month))
        for pattern, bounds in _FORMS:
            match = pattern.fullmatch(text.strip())
            if match:
                try:
                    return cls(*bounds(*match.groups()))
                except ValueError as error:
                    raise InvalidPeriod(f"period {text!r}: {error}; write it as {PERIOD_FORMS}") from None
        raise InvalidPeriod(f"period {text!r} is not understood; write it as {PERIOD_FORMS}")

    @classmethod
    def fiscal_quarter_containing(cls, day: date, fiscal_start_month: int) -> Period:
        """The fiscal quarter ``day`` falls in, for a fiscal year starting in ``fiscal_start_month``."""
        months_in = (day.month - fiscal_start_month) % 12
        ends_in = day.year if fiscal_start_month == 1 or day.month < fiscal_start_month else day.year + 1
        return cls(*fiscal_bounds(ends_in, months_in // 3 + 1, fiscal_start_month))

    @classmethod
    def containing(cls, day: date, granularity: Granularity) -> Period:
        """The calendar month or quarter ``day`` falls in."""
        if granularity is Granularity.MONTH:
            return cls(*_month(day.year, day.month))
        return cls(*_quarter(day.year, (day.month - 1) // 3 + 1))

    @property
    def opening_day(self) -> date:
        """The day whose closing MRR is the period's starting MRR: the day before it starts."""
        return self.start - timedelta(days=1)

    @property
    def label(self) -> str:
        """The shortest form ``parse`` reads back: ``2026``, ``2026-Q3``, ``2026-07`` or a range."""
        year, quarter = self.start.year, (self.start.month - 1) // 3 + 1
        if self == Period.containing(self.start, Granularity.MONTH):
            return f"{self.start:%Y-%m}"
        if self == Period(*_quarter(year, quarter)):
            return f"{year}-Q{quarter}"
        if self == Period(date(year, 1, 1), date(year, 12, 31)):
            return str(year)
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def measured_through(self, today: date) -> date:
        """The last day measured: the period's end, or today while it has not ended.

        Raises :class:`PeriodInFuture` for a period that starts after today: MRR there would only count
        contracts that merely end later as churn.
        """
        if self.start > today:
            raise PeriodInFuture(self, today)
        return min(self.end, today)

    def buckets(self, granularity: Granularity) -> Iterator[Period]:
        """The calendar months or quarters of this period, the first and last clipped to it."""
        day = self.start
        while day <= self.end:
            calendar = Period.containing(day, granularity)
            yield Period(day, min(calendar.end, self.end))
            day = calendar.end + timedelta(days=1)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end
