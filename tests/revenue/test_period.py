"""Reporting periods: the forms users type, their calendar buckets and clear errors."""

from __future__ import annotations

from datetime import date

import pytest

from acctgraph.domain.revenue.period import Granularity, InvalidPeriod, Period


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2026", date(2026, 1, 1), date(2026, 12, 31), "2026"),
        ("2026-q4", date(2026, 10, 1), date(2026, 12, 31), "2026-Q4"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "2024-02"),  # leap year
        ("2026-12", date(2026, 12, 1), date(2026, 12, 31), "2026-12"),
        ("2026-07-15..2026-08-10", date(2026, 7, 15), date(2026, 8, 10), "2026-07-15..2026-08-10"),
    ],
)
def test_parses_the_documented_forms(text: str, start: date, end: date, label: str) -> None:
    period = Period.parse(text)
    assert (period.start, period.end, period.label) == (start, end, label)


@pytest.mark.parametrize("text", ["Q3 2026", "2026-13", "2026-Q5", "2026-08-10..2026-07-15", ""])
def test_rejects_anything_else_showing_the_forms(text: str) -> None:
    with pytest.raises(InvalidPeriod, match="2026-Q3"):
        Period.parse(text)


def test_buckets_are_calendar_months_or_quarters_clipped_to_the_period() -> None:
    period = Period.parse("2026-02-15..2026-07-10")
    assert [b.label for b in period.buckets(Granularity.MONTH)] == [
        "2026-02-15..2026-02-28",
        "2026-03",
        "2026-04",
        "2026-05",
        "2026-06",
        "2026-07-01..2026-07-10",
    ]
    assert [b.label for b in period.buckets(Granularity.QUARTER)] == [
        "2026-02-15..2026-03-31",
        "2026-Q2",
        "2026-07-01..2026-07-10",
    ]
    assert period.opening_day == date(2026, 2, 14)
