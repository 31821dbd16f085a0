"""``revenueMetrics`` through GraphQL, as a client reads it, against the independent reference model
(tests/revenue/reference.py) on generated contract histories: new business, expansion and contraction
(effective-dated lines), churn, reactivation after a gap, same-day and next-day renewals, currency
changes (USD, EUR, JPY with 0 decimals, KWD with 3) at dated rates, drafts, accounts deleted upstream
after they churned, and dated status histories (contracts cancelled before their end, contracts and renewals signed
after they started, contracts whose history is not recorded yet). To the cent, for the whole period (open: measured up to today) and each month."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from acctgraph import models as m
from tests.conftest import GraphQLClient
from tests.fixtures import SampleData
from tests.revenue import reference

CURRENCIES = ("USD", "EUR", "JPY", "KWD")
RATE_RANGES = {"EUR": (100_000, 130_000, 5), "JPY": (6_000, 7_500, 6), "KWD": (310_000, 340_000, 5)}
"""(low, high, decimals) of generated rates: EUR 1.0-1.3, JPY 0.006-0.0075, KWD 3.1-3.4 USD per unit."""
PRICE_RANGES = {"USD": (100, 500_000), "EUR": (100, 500_000), "JPY": (10, 50_000), "KWD": (1_000, 500_000)}
STATUSES_SIGNED = (m.ContractStatus.ACTIVE, m.ContractStatus.RENEWED, m.ContractStatus.EXPIRED)
FATES = ("plain", "plain", "plain", "cancelled", "signed late")

TODAY = datetime.now(UTC).date()
WINDOW_START = date(TODAY.year, TODAY.month, 1) - timedelta(days=100)
"""The period asked for runs from here to the end of this month: open, so measured up to today."""
PERIOD_START = date(WINDOW_START.year, WINDOW_START.month, 1)
PERIOD_END = date(TODAY.year + TODAY.month // 12, TODAY.month % 12 + 1, 1) - timedelta(days=1)

BRIDGE = """
query ($period: String!) {
  revenueMetrics(period: $period) {
    period { measuredThrough complete }
    totals { ...bridge }
    months { period { start measuredThrough } ...bridge }
  }
}
fragment bridge on MrrMovements {
  startingMrr { amountMinor } new { amountMinor } expansion { amountMinor } contraction { amountMinor }
  churned { amountMinor } reactivation { amountMinor } fxEffect { amountMinor } endingMrr { amountMinor }
  accountsAtStart accountsChurned
}
"""


MEASURED_DAYS = sorted(
    {PERIOD_START - timedelta(days=1), TODAY}
    | {
        date(day.year, day.month, 1) - timedelta(days=1)
        for day in (PERIOD_START + timedelta(days=n) for n in range(200))
    }
)
"""The days the API reads MRR on (opening days, month ends, today): where an off-by-one day shows."""


def day_in(low: int, high: int) -> st.SearchStrategy[date]:
    return st.integers(low, high).map(lambda offset: PERIOD_START + timedelta(days=offset))


def day_after(first: date, low: int, high: int) -> st.SearchStrategy[date]:
    """A day ``low`` to ``high`` days after ``first``, half the time one the API measures."""
    measured = [day for day in MEASURED_DAYS if low <= (day - first).days <= high]
    anyday = st.integers(low, high).map(lambda offset: first + timedelta(days=offset))
    return st.one_of(st.sampled_from(measured), anyday) if measured else anyday


@st.composite
def lines(draw: st.DrawFn, currency: str, start: date, end: date) -> list[reference.Line]:
    """One or two products; each may change quantity or price once (the old version closed the day before)."""
    low, high = PRICE_RANGES[currency]
    result = []
    for _ in range(draw(st.integers(1, 2))):
        quantity, price = draw(st.integers(1, 20)), draw(st.integers(low, high))
        if (end - start).days >= 2 and draw(st.booleans()):
            change = draw(day_after(start, 1, (end - start).days))
            result.append(reference.Line(quantity, price, effective_to=change - timedelta(days=1)))
            result.append(reference.Line(draw(st.integers(0, 25)), draw(st.integers(low, high)), change))
        else:
            result.append(reference.Line(quantity, price))
    return result


@st.composite
def account_history(draw: st.DrawFn, account: int, first: int) -> list[reference.Contract]:
    """A chain of contracts: renewed the same day or the next day, or lapsed and later reactivated."""
    contracts: list[reference.Contract] = []
    start = draw(day_in(-60, 110))
    for n in range(draw(st.integers(1, 3))):
        end = draw(day_after(start, 10, 120))
        currency = draw(st.sampled_from(CURRENCIES))
        renews = n > 0 and start <= contracts[-1].end + timedelta(days=1)
        contract = reference.Contract(
            account,
            currency,
            start,
            end,
            counts=draw(st.integers(0, 9)) > 0,
            renewal_of=first + n - 1 if renews else None,
        )
        contract.lines = draw(lines(currency, start, end))
        fate = draw(st.sampled_from(FATES))
        if fate == "cancelled" and contract.counts and start < TODAY:
            contract.stopped_on = draw(st.one_of(st.just(TODAY), day_after(start, 1, (TODAY - start).days)))
        if fate == "signed late" and contract.counts and start < min(TODAY, end):
            contract.signed_on = draw(day_after(start, 1, (min(TODAY, end) - start).days))
        contracts.append(contract)
        start = end + timedelta(days=draw(st.sampled_from([0, 0, 1, 1, 5, 30])))
    return contracts


@st.composite
def books(draw: st.DrawFn) -> reference.Book:
    contracts: list[reference.Contract] = []
    deleted_on = {}
    for account in range(draw(st.integers(1, 3))):
        history = draw(account_history(account, len(contracts)))
        contracts += history
        last_end = max(contract.end for contract in history)
        if last_end < TODAY - timedelta(days=2) and draw(st.booleans()):
            deleted_on[account] = last_end + timedelta(days=draw(st.integers(1, (TODAY - last_end).days)))
    rates = {}
    for currency, (low, high, decimals) in RATE_RANGES.items():
        days = [date(2000, 1, 1), *draw(st.lists(day_in(0, 150), max_size=2, unique=True))]
        rates[currency] = [(since, Decimal(draw(st.integers(low, high))).scaleb(-decimals)) for since in days]
    return reference.Book(contracts, rates, deleted_on)


def store(sample: SampleData, book: reference.Book, draw_status: st.DrawFn) -> None:
    product = sample.product()
    accounts = {}
    for account in sorted(book.accounts()):
        deleted = book.deleted_on.get(account)
        accounts[account] = sample.account(
            deleted_at=datetime.combine(deleted, time(10), tzinfo=UTC) if deleted else None
        )
    rows: list[m.Contract] = []
    for contract in book.contracts:
        row = sample.contract(
            accounts[contract.account],
            start_date=contract.start,
            end_date=contract.end,
            currency=contract.currency,
            status=status_now(contract, draw_status),
            renewal_of_id=rows[contract.renewal_of].id if contract.renewal_of is not None else None,
        )
        rows.append(row)
        record_history(sample, row, contract, draw_status)
        for line in contract.lines:
            sample.line(
                row,
                product=product,
                quantity=line.quantity,
                unit_price_minor=line.unit_price_minor,
                effective_from=line.effective_from,
                effective_to=line.effective_to,
            )
    for currency, dated in book.rates.items():
        for since, rate in dated:
            sample.exchange_rate(currency, str(rate), effective_from=since)
    sample.session.commit()


def status_now(contract: reference.Contract, draw: st.DrawFn) -> m.ContractStatus:
    if not contract.counts:
        return m.ContractStatus.DRAFT
    if contract.stopped_on is not None:
        return m.ContractStatus.CANCELLED
    return m.ContractStatus.ACTIVE if contract.signed_on else draw(st.sampled_from(STATUSES_SIGNED))


def record_history(sample: SampleData, row: m.Contract, contract: reference.Contract, draw: st.DrawFn) -> None:
    """The status history as the daily recording would have dated it. Left unrecorded at random where
    that means the same (nothing dated before today): the API then reads the contract's current status."""
    dated_before_today = contract.signed_on is not None or contract.stopped_on not in (None, TODAY)
    if not contract.counts or not (dated_before_today or draw(st.booleans())):
        return
    changes = [(m.ContractStatus.ACTIVE, contract.start)]
    if contract.signed_on is not None:
        changes = [
            (m.ContractStatus.DRAFT, contract.start - timedelta(days=5)),
            (m.ContractStatus.ACTIVE, contract.signed_on),
        ]
    if contract.stopped_on is not None:
        changes.append((m.ContractStatus.CANCELLED, contract.stopped_on))
    for status, day in changes:
        sample.session.add(m.ContractStatusChange(contract_id=row.id, status=status, effective_on=day))


def forget(sample: SampleData) -> None:
    """Remove one example's book (the API user and key stay), and forget its rows: ids are reused."""
    sample.session.rollback()
    for model in (
        m.ContractStatusChange,
        m.ContractLine,
        m.Contract,
        m.ExchangeRate,
        m.AccountDomain,
        m.Account,
        m.Product,
    ):
        sample.session.execute(delete(model))
    sample.session.commit()
    sample.session.expunge_all()


def expected(bridge: reference.Bridge) -> dict[str, object]:
    return {
        "startingMrr": {"amountMinor": bridge.starting},
        "new": {"amountMinor": bridge.new},
        "expansion": {"amountMinor": bridge.expansion},
        "contraction": {"amountMinor": bridge.contraction},
        "churned": {"amountMinor": bridge.churned},
        "reactivation": {"amountMinor": bridge.reactivation},
        "fxEffect": {"amountMinor": bridge.fx_effect},
        "endingMrr": {"amountMinor": bridge.ending},
        "accountsAtStart": bridge.accounts_at_start,
        "accountsChurned": bridge.accounts_churned,
    }


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(book=books(), data=st.data())
async def test_revenue_metrics_match_the_reference_model_to_the_cent(
    graphql: GraphQLClient, sample: SampleData, book: reference.Book, data: st.DataObject
) -> None:
    try:
        store(sample, book, data.draw)
        metrics = (await graphql.data(BRIDGE, {"period": f"{PERIOD_START}..{PERIOD_END}"}))["revenueMetrics"]
    finally:
        forget(sample)
    assert metrics["period"] == {"measuredThrough": TODAY.isoformat(), "complete": TODAY == PERIOD_END}
    totals = reference.bridge(book, PERIOD_START - timedelta(days=1), TODAY)
    assert {key: value for key, value in metrics["totals"].items()} == expected(totals)
    for month in metrics["months"]:
        start, through = (
            date.fromisoformat(month["period"]["start"]),
            date.fromisoformat(month["period"]["measuredThrough"]),
        )
        month_bridge = {key: value for key, value in month.items() if key != "period"}
        assert month_bridge == expected(reference.bridge(book, start - timedelta(days=1), through)), month["period"]
