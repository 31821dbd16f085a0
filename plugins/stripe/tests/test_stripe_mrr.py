"""Stripe's subscriptions as MRR, by ChartMogul's rules: trials and pauses are not MRR, discounts reduce it,
and every change of an item keeps the history (synced end to end into SQLite and PostgreSQL)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, timedelta

from acctgraph_stripe import StripeConnector, mapping
from acctgraph_stripe.testing import FakeStripe
from sqlalchemy import select
from sqlalchemy.orm import Session
from test_stripe_reads import STRIPE_FIXTURES

from acctgraph import models as m
from acctgraph.domain.account_facts import account_mrr
from acctgraph.testing.http import synced_counts

DAY = 86_400


def fixture_subscription(**fields: object) -> tuple[dict, list[dict]]:
    """Stripe's own subscription and item fixtures (fixtures3.json), with a monthly 20.00 price x ``quantity``."""
    fixtures = json.loads(STRIPE_FIXTURES.read_text())
    subscription = {**copy.deepcopy(fixtures["subscription"]), "pause_collection": None, "trial_end": None}
    subscription.update({"status": "active", "ended_at": None, "cancel_at": None, "discounts": [], **fields})
    item = copy.deepcopy(fixtures["subscription_item"])
    item.update(
        quantity=10, created=subscription["start_date"], current_period_end=subscription["start_date"] + 30 * DAY
    )
    return subscription, [item]


def test_fixture_subscription_maps_to_its_list_price_and_ends_the_day_before_its_period_end() -> None:
    subscription, items = fixture_subscription()
    record = mapping.contract(subscription, items)
    (line,) = record["lines"]
    assert (line["quantity"], line["unit_price_minor"]) == (10, 2_000)
    assert record["end_date"] == mapping.day(items[0]["current_period_end"]) - timedelta(days=1)
    assert line["effective_from"] == mapping.day(subscription["start_date"])


def test_a_trial_is_not_mrr_until_it_ends() -> None:
    start = 1_767_225_600  # 2026-01-01
    subscription, items = fixture_subscription(status="trialing", start_date=start, trial_end=start + 14 * DAY)
    (line,) = mapping.contract(subscription, items)["lines"]
    assert line["effective_from"] == date(2026, 1, 15)


def test_paused_subscriptions_are_not_mrr_but_keep_their_quantity() -> None:
    for paused in ({"status": "paused"}, {"pause_collection": {"behavior": "void", "resumes_at": None}}):
        subscription, items = fixture_subscription(**paused)
        record = mapping.contract(subscription, items)
        assert record["stripe_paused"] is True
        assert (record["lines"][0]["quantity"], record["lines"][0]["stripe_quantity"]) == (0, 10)


def test_percent_and_amount_coupons_reduce_the_unit_price() -> None:
    fixtures = json.loads(STRIPE_FIXTURES.read_text())
    discount = copy.deepcopy(fixtures["subscription"]["pending_update"]["discount"])  # Stripe's discount shape
    discount["source"]["coupon"] = {"id": "co_1", "object": "coupon", "percent_off": 25.0, "amount_off": None}
    subscription, items = fixture_subscription(discounts=[discount])
    (line,) = mapping.contract(subscription, items)["lines"]
    assert (line["unit_price_minor"], line["stripe_list_unit_price_minor"]) == (1_500, 2_000)

    discount["source"]["coupon"] = {"id": "co_2", "object": "coupon", "percent_off": None, "amount_off": 5_000}
    (line,) = mapping.contract(subscription, items)["lines"]
    assert line["unit_price_minor"] == 1_500  # 200.00 a month less 50.00 off: 150.00 over 10 units


def test_an_unexpanded_discount_is_a_mapping_error_not_a_silent_full_price() -> None:
    subscription, items = fixture_subscription(discounts=["di_123"])
    try:
        mapping.contract(subscription, items)
    except ValueError as error:
        assert "di_123" in str(error)
    else:
        raise AssertionError("an unexpanded discount was mapped")


def sync(engine, stripe: FakeStripe) -> dict[str, dict[str, int]]:  # type: ignore[no-untyped-def]
    return synced_counts(engine, StripeConnector, stripe.connector_config())


def mrr_on(engine, day: date) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return sum(account_mrr(session, select(m.Account.id), day, "USD").values())


def test_each_subscription_change_keeps_the_mrr_of_the_days_before_it(db_url, engine, stripe: FakeStripe) -> None:  # type: ignore[no-untyped-def]
    stripe.now -= 40 * DAY  # the subscription began 40 days ago
    acme = stripe.add_customer("Acme", "ap@acme.example")
    seats = stripe.add_product("Seats")
    subscription = stripe.add_subscription(acme["id"], [(seats["id"], 12_000, 10)], interval="year")
    stripe.now += 40 * DAY  # back near the real clock: Stripe keeps events 30 days
    sync(engine, stripe)
    today = datetime.now(UTC).date()
    assert mrr_on(engine, today) == 10_000

    stripe.set_quantity(subscription["id"], 0, 15)
    stripe.add_discount(subscription["id"], percent_off=20)
    changed = sync(engine, stripe)
    assert changed["subscriptions"]["read"] >= 1  # its lines changed: counted apart, as nested records
    assert mrr_on(engine, today - timedelta(days=1)) == 10_000  # the past stays what it was
    assert mrr_on(engine, today) == 12_000  # 15 x 10.00, 20% off, from the day of the change
    with Session(engine) as session:
        versions = session.execute(
            select(m.ContractLine.quantity, m.ContractLine.effective_to).order_by(m.ContractLine.id)
        ).all()
    assert versions == [(15, None), (10, today - timedelta(days=1))]

    stripe.update("subscription", subscription["id"], status="paused")
    sync(engine, stripe)
    assert mrr_on(engine, today) == 0
    assert mrr_on(engine, today - timedelta(days=1)) == 10_000
