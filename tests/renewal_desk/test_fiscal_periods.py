"""Fiscal years and quarters (FY2027, FY2027-Q1): named by the calendar year they end in, counted from the
fiscal year start month, accepted wherever a period is."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pytest import MonkeyPatch

from acctgraph.domain.revenue.period import InvalidPeriod, Period
from acctgraph.settings import Settings
from tests.conftest import GraphQLClient


def _fiscal_year_and_quarter(day: date, start_month: int) -> tuple[int, int]:
    """Independently of the code under test: months since the fiscal year started, and the year it ends in."""
    months_in = (day.month - start_month) % 12
    ends_in = day.year if start_month == 1 or day.month < start_month else day.year + 1
    return ends_in, months_in // 3 + 1


def _days_of(year: int, quarter: int | None, start_month: int) -> list[date]:
    day, days = date(year - 2, 1, 1), []
    while day <= date(year + 1, 12, 31):
        fiscal_year, fiscal_quarter = _fiscal_year_and_quarter(day, start_month)
        if fiscal_year == year and quarter in (None, fiscal_quarter):
            days.append(day)
        day += timedelta(days=1)
    return days


@pytest.mark.parametrize("start_month", range(1, 13))
@pytest.mark.parametrize("quarter", [None, 1, 2, 3, 4])
def test_fiscal_periods_cover_exactly_the_days_of_that_fiscal_year_or_quarter(
    start_month: int, quarter: int | None
) -> None:
    text = "FY2027" if quarter is None else f"FY2027-Q{quarter}"
    period = Period.parse(text, start_month)
    days = _days_of(2027, quarter, start_month)
    assert (period.start, period.end) == (days[0], days[-1])
    assert len(days) == (period.end - period.start).days + 1


def test_fy2027_starting_in_february_ends_in_january_2027_as_salesforce_names_it() -> None:
    assert (Period.parse("FY2027", 2).start, Period.parse("FY2027", 2).end) == (date(2026, 2, 1), date(2027, 1, 31))
    assert Period.parse("fy2027-q4", 2).end == date(2027, 1, 31)


def test_with_the_default_start_month_a_fiscal_year_is_the_calendar_year() -> None:
    assert Period.parse("FY2027") == Period.parse("2027")
    assert Period.parse("FY2027-Q3") == Period.parse("2027-Q3")


@pytest.mark.parametrize("text", ["FY27", "FY2027-Q5", "FY2027Q1"])
def test_malformed_fiscal_periods_are_refused_showing_the_forms(text: str) -> None:
    with pytest.raises(InvalidPeriod, match="FY2027-Q1"):
        Period.parse(text, 2)


def test_the_setting_takes_a_month_of_the_year(monkeypatch: MonkeyPatch) -> None:
    monkeypatch.setenv("ACCTGRAPH_FISCAL_YEAR_START_MONTH", "13")
    with pytest.raises(ValueError, match="fiscal_year_start_month"):
        Settings(_env_file=None)


@pytest.fixture
def api_settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, fiscal_year_start_month=2, _env_file=None)


async def test_revenue_metrics_take_a_fiscal_quarter_counted_from_the_setting(graphql: GraphQLClient) -> None:
    query = "query ($period: String!) { revenueMetrics(period: $period) { period { start end } } }"
    data = await graphql.data(query, {"period": "FY2026-Q1"})
    assert data["revenueMetrics"]["period"] == {"start": "2025-02-01", "end": "2025-04-30"}
