"""Regression tests of issue 10 §1, each through the API on SQLite and PostgreSQL: periods measured up to
today, same-day renewals, effective-dated lines, dated FX and minor units, missing rates, deleted
accounts in history, one definition of strategic."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import text

from acctgraph import migrations
from acctgraph import models as m
from acctgraph.db import create_sync_engine
from acctgraph.graphql.ids import to_global_id
from tests.conftest import GraphQLClient
from tests.fixtures import SampleData

TODAY = datetime.now(UTC).date()
MONTH_START = TODAY.replace(day=1)
LAST_MONTH_END = MONTH_START - timedelta(days=1)
TWO_MONTHS_AGO = LAST_MONTH_END.replace(day=1) - timedelta(days=1)
"""The end of the month before last."""

BRIDGE = """
query ($period: String!) {
  revenueMetrics(period: $period) {
    period { label measuredThrough complete }
    totals { ...bridge }
    months { period { label measuredThrough } ...bridge }
  }
}
fragment bridge on MrrMovements {
  startingMrr { amountMinor } new { amountMinor } expansion { amountMinor } contraction { amountMinor }
  churned { amountMinor } fxEffect { amountMinor } endingMrr { amountMinor } accountsChurned nrr
}
"""


def amounts(movements: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value["amountMinor"] if isinstance(value, dict) else value
        for key, value in movements.items()
        if key != "period"
    }


async def metrics(graphql: GraphQLClient, period: str) -> dict[str, Any]:
    return (await graphql.data(BRIDGE, {"period": period}))["revenueMetrics"]


def month_label(day: date) -> str:
    return f"{day:%Y-%m}"


# --- 1. periods that have not ended ------------------------------------------------------------------


async def test_an_open_period_is_measured_up_to_today_so_later_ends_are_not_churn(
    graphql: GraphQLClient, sample: SampleData
) -> None:
    account = sample.account()
    sample.contract(account, 100_000, start_date=TODAY - timedelta(days=200), end_date=TODAY + timedelta(days=10))
    sample.session.commit()
    period = f"{TODAY - timedelta(days=30)}..{TODAY + timedelta(days=30)}"
    result = await metrics(graphql, period)
    assert result["period"]["measuredThrough"] == TODAY.isoformat()
    assert result["period"]["complete"] is False
    totals = amounts(result["totals"])
    assert (totals["churned"], totals["accountsChurned"], totals["endingMrr"]) == (0, 0, 100_000)
    assert result["months"][-1]["period"]["measuredThrough"] == TODAY.isoformat()


async def test_a_period_wholly_in_the_future_is_refused_with_a_code(graphql: GraphQLClient) -> None:
    for period in (f"{TODAY + timedelta(days=1)}..{TODAY + timedelta(days=40)}", str(TODAY.year + 1)):
        answer = await graphql.execute(BRIDGE, {"period": period})
        assert answer["errors"][0]["extensions"]["code"] == "PERIOD_IN_FUTURE"
        assert "after today" in answer["errors"][0]["message"]


# --- 2. same-day renewals ----------------------------------------------------------------------------


async def test_a_renewal_starting_the_day_the_old_contract_ends_is_continuous_revenue(
    graphql: GraphQLClient, sample: SampleData
) -> None:
    account = sample.account()
    old = sample.contract(
        account, 50_000, start_date=date(2020, 1, 1), end_date=LAST_MONTH_END, status=m.ContractStatus.RENEWED
    )
    sample.contract(
        account, 50_000, start_date=LAST_MONTH_END, end_date=TODAY + timedelta(days=300), renewal_of_id=old.id
    )
    sample.session.commit()
    result = await metrics(graphql, f"{TWO_MONTHS_AGO + timedelta(days=1)}..{TODAY}")
    for month in result["months"]:
        bridge = amounts(month)
        assert (bridge["expansion"], bridge["contraction"], bridge["nrr"]) == (0, 0, 1.0), month["period"]
        assert bridge["endingMrr"] == 50_000


# --- 3. effective-dated lines ------------------------------------------------------------------------


async def test_a_line_change_keeps_past_months_and_shows_the_expansion_in_its_month(
    graphql: GraphQLClient, sample: SampleData
) -> None:
    account = sample.account()
    contract = sample.contract(account, start_date=date(2020, 1, 1), end_date=TODAY + timedelta(days=300))
    product = sample.product()
    sample.line(contract, product=product, quantity=10, unit_price_minor=1_000, effective_to=LAST_MONTH_END)
    sample.line(contract, product=product, quantity=15, unit_price_minor=1_000, effective_from=MONTH_START)
    sample.session.commit()
    result = await metrics(graphql, f"{TWO_MONTHS_AGO + timedelta(days=1)}..{TODAY}")
    last_month, this_month = (amounts(month) for month in result["months"])
    assert (last_month["endingMrr"], last_month["expansion"]) == (10_000, 0)
    assert (this_month["startingMrr"], this_month["expansion"], this_month["endingMrr"]) == (10_000, 5_000, 15_000)


def test_migration_0009_dates_existing_lines_from_their_contract_and_rates_from_1970(
    backend: str, new_database_url
) -> None:  # type: ignore[no-untyped-def]
    url = new_database_url(backend)
    migrations.upgrade(url, "0006")
    engine = create_sync_engine(url)
    now = datetime.now(UTC).replace(tzinfo=None) if backend == "sqlite" else datetime.now(UTC)
    stamps = {"created_at": now, "updated_at": now}
    with engine.begin() as connection:
        insert = "INSERT INTO {} ({}) VALUES ({})"
        for table, row in (
            (
                "accounts",
                {"id": 1, "name": "A", "segment": "smb", "lifecycle_stage": "active", "extra": "{}", "version": 1},
            ),
            ("products", {"id": 1, "sku": "S", "name": "S", "extra": "{}"}),
            (
                "contracts",
                {
                    "id": 1,
                    "account_id": 1,
                    "number": "C-1",
                    "status": "active",
                    "start_date": date(2025, 3, 1),
                    "end_date": date(2026, 2, 28),
                    "auto_renew": False,
                    "notice_period_days": 30,
                    "currency": "EUR",
                    "billing_period": "annual",
                    "extra": "{}",
                },
            ),
            (
                "contract_lines",
                {"id": 1, "contract_id": 1, "product_id": 1, "quantity": 2, "unit_price_minor": 500, "extra": "{}"},
            ),
            ("exchange_rates", {"currency": "EUR", "rate": 1.1}),
        ):
            row = {**row, **stamps}
            connection.execute(text(insert.format(table, ", ".join(row), ", ".join(f":{key}" for key in row))), row)
    migrations.upgrade(url)
    with engine.connect() as connection:
        line = connection.execute(text("SELECT effective_from, effective_to FROM contract_lines")).one()
        rate = connection.execute(text("SELECT currency, effective_from FROM exchange_rates")).one()
    engine.dispose()
    assert (str(line[0])[:10], line[1]) == ("2025-03-01", None)
    assert (rate[0], str(rate[1])[:10]) == ("EUR", "1970-01-01")


# --- 5. dated FX, minor units, missing rates ---------------------------------------------------------


async def test_each_month_converts_at_its_rate_and_the_move_is_the_fx_effect(
    graphql: GraphQLClient, sample: SampleData
) -> None:
    account = sample.account()
    sample.contract(account, 100_000, start_date=date(2020, 1, 1), end_date=TODAY + timedelta(days=300), currency="EUR")
    sample.exchange_rate("EUR", "1.10", effective_from=date(2000, 1, 1))
    sample.exchange_rate("EUR", "1.20", effective_from=MONTH_START)
    sample.session.commit()
    result = await metrics(graphql, f"{TWO_MONTHS_AGO + timedelta(days=1)}..{TODAY}")
    last_month, this_month = (amounts(month) for month in result["months"])
    assert (last_month["startingMrr"], last_month["endingMrr"], last_month["fxEffect"]) == (110_000, 110_000, 0)
    assert (this_month["startingMrr"], this_month["fxEffect"], this_month["endingMrr"]) == (110_000, 10_000, 120_000)
    assert (this_month["expansion"], this_month["nrr"]) == (0, 1.0)  # constant currency: no expansion


MRR = "query ($id: ID!) { account(id: $id) { mrr { amountMinor currency } } }"


async def test_currencies_without_two_decimals_convert_by_their_minor_unit(
    graphql: GraphQLClient, sample: SampleData
) -> None:
    yen, dinar = sample.account(), sample.account()
    sample.contract(yen, 100_000, currency="JPY")  # 100,000 yen a month
    sample.contract(dinar, 1_000_000, currency="KWD")  # 1,000.000 dinars a month
    sample.exchange_rate("JPY", "0.0067")
    sample.exchange_rate("KWD", "3.25")
    sample.session.commit()
    for account, expected in ((yen, 67_000), (dinar, 325_000)):  # 670.00 and 3,250.00 USD
        data = await graphql.data(MRR, {"id": to_global_id("Account", account.id)})
        assert data["account"]["mrr"] == {"amountMinor": expected, "currency": "USD"}


async def test_a_currency_without_a_rate_is_an_error_at_every_level_never_zero(
    graphql: GraphQLClient, sample: SampleData
) -> None:
    owner = sample.user()
    account = sample.account(owner_id=owner.id)
    sample.contract(account, 100_000, currency="CHF")
    sample.session.commit()
    queries = (
        (MRR, {"id": to_global_id("Account", account.id)}),
        ("{ accounts(first: 10) { nodes { name arr { amountMinor } } } }", {}),
        ("{ accounts(first: 10, orderBy: {field: ARR, direction: DESC}) { nodes { name } } }", {}),
        ("{ accounts(first: 10, filter: {minArr: 1}) { nodes { name } } }", {}),
        ("query ($id: ID!) { book(ownerId: $id) { arr { amountMinor } } }", {"id": to_global_id("User", owner.id)}),
        (BRIDGE, {"period": f"{MONTH_START}..{TODAY}"}),
    )
    for query, variables in queries:
        answer = await graphql.execute(query, variables)
        assert answer["errors"][0]["extensions"]["code"] == "MISSING_EXCHANGE_RATE", query
        assert "CHF into USD" in answer["errors"][0]["message"]


# --- 6. deleted accounts, strategic ------------------------------------------------------------------


async def test_an_account_deleted_upstream_after_it_churned_stays_in_churn(
    graphql: GraphQLClient, sample: SampleData
) -> None:
    gone, staying = sample.account(), sample.account()
    sample.contract(gone, 40_000, start_date=date(2020, 1, 1), end_date=LAST_MONTH_END, status=m.ContractStatus.EXPIRED)
    sample.contract(staying, 60_000, start_date=date(2020, 1, 1), end_date=TODAY + timedelta(days=100))
    sample.session.commit()
    period = f"{TWO_MONTHS_AGO + timedelta(days=1)}..{TODAY}"
    before = await metrics(graphql, period)
    gone.deleted_at = datetime.now(UTC)
    sample.session.commit()
    after = await metrics(graphql, period)
    assert after == before
    assert (amounts(after["totals"])["churned"], amounts(after["totals"])["accountsChurned"]) == (40_000, 1)


async def test_strategic_means_the_same_in_is_strategic_team_metrics_and_promotions(
    graphql: GraphQLClient, sample: SampleData, api_settings
) -> None:  # type: ignore[no-untyped-def]
    manager = sample.user(role=m.Role.MANAGER)
    owner = sample.user(manager_id=manager.id)
    threshold = api_settings.strategic_mrr_threshold_minor
    by_segment = sample.account(owner_id=owner.id, segment=m.Segment.STRATEGIC)
    by_mrr = sample.account(owner_id=owner.id)
    neither = sample.account(owner_id=owner.id)
    sample.contract(by_segment, 1_000)
    sample.contract(by_mrr, threshold)
    sample.contract(neither, threshold - 1)
    sample.session.commit()
    strategic = {}
    for account in (by_segment, by_mrr, neither):
        data = await graphql.data(
            "query ($id: ID!) { account(id: $id) { isStrategic } }", {"id": to_global_id("Account", account.id)}
        )
        strategic[account.id] = data["account"]["isStrategic"]
    assert strategic == {by_segment.id: True, by_mrr.id: True, neither.id: False}
    team = await graphql.data(
        "query ($id: ID!, $p: String!) { teamMetrics(managerId: $id, period: $p) { nodes { strategicAccounts } } }",
        {"id": to_global_id("User", manager.id), "p": f"{MONTH_START}..{TODAY}"},
    )
    assert [row["strategicAccounts"] for row in team["teamMetrics"]["nodes"]] == [2]
