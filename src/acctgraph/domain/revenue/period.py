"""Reporting periods: a year, a quarter, a month or an explicit date range, and their calendar buckets."""

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


PERIOD_FORMS = "2026, 2026-Q3, 2026-07 or 2026-07-01..2026-09-30"
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
    def parse(cls, text: str) -> Period:
        """Read ``2026``, ``2026-Q3``, ``2026-07`` or ``2026-07-01..2026-09-30``."""
        for pattern, bounds in _FORMS:
            match = pattern.fullmatch(text.strip())
            if match:
                try:
                    return cls(*bounds(*match.groups()))
                except ValueError as error:
                    raise InvalidPeriod(f"period {text!r}: {error}; write it as {PERIOD_FORMS}") from None
        raise InvalidPeriod(f"period {text!r} is not understood; write it as {PERIOD_FORMS}")

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
