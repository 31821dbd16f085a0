"""The forecast of 2026-Q3 by month and by quarter, and forecast accuracy, computed by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from acctgraph import models as m
from acctgraph.domain.revenue.accuracy import NoForecastSnapshot, forecast_accuracy, snapshot_forecast
from acctgraph.domain.revenue.forecast import ForecastColumn, Totals, forecast
from acctgraph.domain.revenue.money import MissingExchangeRate
from acctgraph.domain.revenue.period import Granularity, Period
from acctgraph.domain.revenue.scope import Scope
from tests.fixtures import SampleData

Q3 = Period.parse("2026-Q3")
K = m.OpportunityKind
C = m.ForecastCategory


@pytest.fixture
def pipeline(sample: SampleData) -> dict[str, m.Opportunity]:
    """Opportunities of one owner's account closing in and around 2026-Q3 (USD unless said)."""
    owner = sample.user()
    account = sample.account(owner_id=owner.id)
    sample.exchange_rate("EUR", "1.10")

    def opp(close: str, amount: int, probability: int, kind: K, category: C, **fields: object) -> m.Opportunity:
        return sample.opportunity(
            account,
            expected_close_date=date.fromisoformat(close),
            amount_minor=amount,
            probability=probability,
            kind=kind,
            forecast_category=category,
            **fields,
        )

    made = {
        "commit": opp("2026-07-10", 100_000, 90, K.RENEWAL, C.COMMIT),
        "won": opp("2026-07-20", 70_000, 100, K.RENEWAL, C.CLOSED, status=m.OpportunityStatus.WON),
        "best_case": opp("2026-08-05", 50_000, 60, K.UPSELL, C.BEST_CASE),
        "lost": opp("2026-08-25", 30_000, 40, K.UPSELL, C.PIPELINE, status=m.OpportunityStatus.LOST),
        "euro_commit": opp("2026-09-01", 10_000, 50, K.UPSELL, C.COMMIT, currency="EUR"),
        "pipeline": opp("2026-09-20", 40_000, 25, K.CROSS_SELL, C.PIPELINE),
        "omitted": opp("2026-09-21", 99_000, 10, K.UPSELL, C.OMITTED),
        "next_quarter": opp("2026-10-01", 55_000, 90, K.RENEWAL, C.COMMIT),
    }
    sample.session.commit()
    return made


def test_monthly_buckets_by_category_with_weighting(session: Session, pipeline) -> None:  # type: ignore[no-untyped-def]
    result = forecast(session, Q3, Scope.everything(), Granularity.MONTH, "USD")
    july, august, september = result.buckets
    assert [b.period.label for b in result.buckets] == ["2026-07", "2026-08", "2026-09"]
    assert july.by_column[ForecastColumn.COMMIT] == Totals(1, 100_000, 90_000)  # 100_000 x 90%
    assert july.by_column[ForecastColumn.CLOSED_WON] == Totals(1, 70_000, 70_000)  # won counts whole
    assert july.totals.weighted_minor == 160_000
    assert august.by_column[ForecastColumn.BEST_CASE] == Totals(1, 50_000, 30_000)  # 60%
    assert august.by_column[ForecastColumn.CLOSED_LOST] == Totals(1, 30_000, 0)  # lost counts nothing
    # EUR 10_000 x 1.10 = 11_000 at 50% = 5_500; pipeline 40_000 x 25% = 10_000; the omitted one is left out
    assert september.by_column[ForecastColumn.COMMIT] == Totals(1, 11_000, 5_500)
    assert september.by_column[ForecastColumn.PIPELINE] == Totals(1, 40_000, 10_000)
    assert september.totals == Totals(2, 51_000, 15_500)


def test_quarter_bucket_split_by_kind(session: Session, pipeline) -> None:  # type: ignore[no-untyped-def]
    result = forecast(session, Q3, Scope.everything(), Granularity.QUARTER, "USD")
    (quarter,) = result.buckets
    assert quarter.period.label == "2026-Q3"
    assert quarter.by_column == {
        ForecastColumn.CLOSED_WON: Totals(1, 70_000, 70_000),
        ForecastColumn.COMMIT: Totals(2, 111_000, 95_500),  # 100_000 + 11_000; 90_000 + 5_500
        ForecastColumn.BEST_CASE: Totals(1, 50_000, 30_000),
        ForecastColumn.PIPELINE: Totals(1, 40_000, 10_000),
        ForecastColumn.CLOSED_LOST: Totals(1, 30_000, 0),
    }
    assert quarter.by_kind == {
        K.NEW: Totals(),
        K.RENEWAL: Totals(2, 170_000, 160_000),  # commit 100_000 (90_000) + won 70_000
        K.UPSELL: Totals(3, 91_000, 35_500),  # best case 50_000 (30_000) + lost 30_000 (0) + EUR 11_000 (5_500)
        K.CROSS_SELL: Totals(1, 40_000, 10_000),
    }
    assert quarter.totals.weighted_minor == 205_500  # 160_000 + 35_500 + 10_000
    assert result.whole_period.totals == quarter.totals


def test_accuracy_compares_the_snapshot_at_period_start_with_what_closed(session: Session, pipeline) -> None:  # type: ignore[no-untyped-def]
    owner_id = session.get(m.Account, pipeline["commit"].account_id).owner_id
    start = datetime(2026, 7, 1, 8, tzinfo=UTC)
    assert snapshot_forecast(session, Q3, "USD", start) == 1
    session.commit()
    snapshot = session.scalars(select(m.ForecastSnapshot)).one()
    # forecast held to = closed won 70_000 + commit 111_000
    assert (snapshot.closed_won_minor, snapshot.commit_minor, snapshot.weighted_minor) == (70_000, 111_000, 205_500)

    # during the quarter: the commit is lost, the best case is won
    pipeline["commit"].status = m.OpportunityStatus.LOST
    pipeline["best_case"].status = m.OpportunityStatus.WON
    session.commit()
    assert snapshot_forecast(session, Q3, "USD", datetime(2026, 7, 2, tzinfo=UTC)) == 0  # the baseline stays
    session.commit()

    (row,) = forecast_accuracy(session, Q3, Scope.owner(owner_id), "USD")
    assert (row.owner_id, row.forecast_minor, row.actual_minor) == (owner_id, 181_000, 120_000)  # won 70_000 + 50_000
    assert row.accuracy == 0.663  # 1 - |120_000 - 181_000| / 181_000 = 1 - 61/181 = 0.66298


def test_accuracy_without_a_snapshot_says_how_to_take_one(session: Session, pipeline) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NoForecastSnapshot, match="acctgraph forecast snapshot"):
        forecast_accuracy(session, Q3, Scope.everything(), "USD")


def test_refuses_to_total_a_currency_without_rate(session: Session, sample: SampleData, pipeline) -> None:  # type: ignore[no-untyped-def]
    sample.opportunity(
        session.get(m.Account, pipeline["commit"].account_id), currency="CHF", expected_close_date=date(2026, 8, 1)
    )
    with pytest.raises(MissingExchangeRate, match="CHF into USD"):
        forecast(session, Q3, Scope.everything(), Granularity.QUARTER, "USD")


def test_a_huge_amount_is_summed_exactly_and_breaks_nobodys_forecast(session: Session, sample: SampleData) -> None:
    account = sample.account(owner_id=sample.user().id)
    biggest = 2**63 - 1  # the largest amount the column can hold: amount x probability overflows 64 bits
    for amount in (biggest, biggest, 1):
        sample.opportunity(account, amount_minor=amount, probability=99, expected_close_date=date(2026, 8, 1))
    session.commit()
    (quarter,) = forecast(session, Q3, Scope.everything(), Granularity.QUARTER, "USD").buckets
    total = 2 * biggest + 1
    assert quarter.by_column[ForecastColumn.PIPELINE].amount_minor == total
    assert quarter.by_column[ForecastColumn.PIPELINE].weighted_minor == (total * 99 + 50) // 100  # half up, exact


def test_an_opportunity_amount_above_the_bound_is_refused_with_the_field() -> None:
    from pydantic import ValidationError

    from acctgraph.domain.pipeline import MAX_AMOUNT_MINOR, CreateOpportunity

    with pytest.raises(ValidationError, match="amount_minor"):
        CreateOpportunity(account_id=1, name="Too big", kind=K.NEW, amount_minor=MAX_AMOUNT_MINOR + 1, currency="USD")


def test_accuracy_counts_a_win_on_the_day_it_closed_for_the_owner_at_close(
    session: Session, sample: SampleData
) -> None:
    from acctgraph.domain.pipeline import record_opportunity_closes

    closer, successor = sample.user(), sample.user()
    account = sample.account(owner_id=closer.id)
    on_time = sample.opportunity(account, amount_minor=40_000, expected_close_date=date(2026, 8, 1), owner_id=None)
    slipped = sample.opportunity(account, amount_minor=25_000, expected_close_date=date(2026, 9, 1), owner_id=None)
    session.commit()
    snapshot_forecast(session, Q3, "USD", datetime(2026, 7, 1, tzinfo=UTC))
    on_time.status, on_time.closed_at = m.OpportunityStatus.WON, datetime(2026, 8, 3, tzinfo=UTC)
    slipped.status, slipped.closed_at = m.OpportunityStatus.WON, datetime(2026, 10, 2, tzinfo=UTC)
    session.flush()
    assert record_opportunity_closes(session, date(2026, 10, 5)) == 2
    account.owner_id = successor.id  # the account moves on after the wins
    session.commit()

    rows = {row.owner_id: row for row in forecast_accuracy(session, Period.parse("2026"), Scope.everything(), "USD")}
    # the snapshot held the closer to 65_000 (both in pipeline at 10 %: forecast = won + commit = 0)
    assert rows[closer.id].actual_minor == 40_000  # the slipped win closed in Q4, outside the snapshot's Q3
    assert successor.id not in rows
    session.refresh(on_time)
    assert (on_time.closed_on, on_time.owner_at_close_id) == (date(2026, 8, 3), closer.id)


async def test_close_opportunity_records_the_day_and_the_owner_at_close(graphql, sample: SampleData) -> None:  # type: ignore[no-untyped-def]
    from tests.api.mutation_cases import gid, mutate
    from tests.fixtures import TODAY

    owner = sample.user()
    opportunity = sample.opportunity(sample.account(owner_id=owner.id), owner_id=None)
    sample.session.commit()
    payload = await mutate(
        graphql,
        "closeOpportunity",
        {"id": gid(opportunity), "version": opportunity.version, "won": True},
        "opportunity { closedOn ownerAtClose { email } }",
    )
    assert payload["userErrors"] == []
    assert payload["opportunity"] == {"closedOn": TODAY.isoformat(), "ownerAtClose": {"email": owner.email}}
