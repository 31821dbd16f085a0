"""The Stripe connector against a local Stripe: listing, events, deletes, paging, retries, bad keys."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from acctgraph_stripe import StripeConnector
from acctgraph_stripe.connector import StripeConfig
from acctgraph_stripe.testing import FakeStripe

from acctgraph.integration.errors import ConfigError
from acctgraph.testing.http import StreamMessages, read_messages

# Stripe's own fixture objects (openapi/fixtures3.json), kept outside the repository.
STRIPE_FIXTURES = (
    Path(
        os.environ.get(
            "ACCTGRAPH_VENDOR_FIXTURES", Path(__file__).resolve().parents[3].parent / "shared/vendor-fixtures"
        )
    )
    / "stripe/fixtures3-subset.json"
)


def book(stripe: FakeStripe) -> dict[str, dict]:
    """Three customers, a product, an annual subscription of two items and an invoice."""
    acme = stripe.add_customer("Acme", "ap@acme.example", metadata={"domain": "acme.example"})
    stripe.add_customer("Globex", "billing@globex.example")
    stripe.add_customer("Initech", None)
    seats = stripe.add_product("Seats")
    support = stripe.add_product("Premium support", metadata={"sku": "SUP-1"})
    subscription = stripe.add_subscription(
        acme["id"], [(seats["id"], 120_000, 10), (support["id"], 60_000, 1)], interval="year"
    )
    invoice = stripe.add_invoice(acme["id"], subscription["id"], 1_800_000)
    return {"acme": acme, "seats": seats, "support": support, "subscription": subscription, "invoice": invoice}


def test_first_read_lists_every_object_in_canonical_shape(stripe, config, connector) -> None:
    objects = book(stripe)
    customers = read_messages(connector, config, "customers")
    assert sorted(r["name"] for r in customers.records) == ["Acme", "Globex", "Initech"]
    acme = next(r for r in customers.records if r["name"] == "Acme")
    assert acme["domain"] == "acme.example" and acme["stripe_email"] == "ap@acme.example"
    assert len(customers.checkpoints) == 2 and customers.checkpoints[0].resume["starting_after"]
    assert customers.checkpoints[-1].resume == {}

    contract = read_messages(connector, config, "subscriptions").records[0]
    assert (contract["external_id"], contract["account_external_id"]) == (
        objects["subscription"]["id"],
        objects["acme"]["id"],
    )
    assert (contract["status"], contract["currency"], contract["billing_period"]) == ("active", "USD", "annual")
    assert contract["auto_renew"] is True and contract["end_date"] > contract["start_date"]
    lines = {line["product_external_id"]: line for line in contract["lines"]}
    assert (
        lines[objects["seats"]["id"]]["unit_price_minor"] == 10_000 and lines[objects["seats"]["id"]]["quantity"] == 10
    )
    assert lines[objects["support"]["id"]]["unit_price_minor"] == 5_000

    invoice = read_messages(connector, config, "invoices").records[0]
    assert invoice["contract_external_id"] == objects["subscription"]["id"]
    assert (invoice["amount_minor"], invoice["status"], invoice["paid_at"]) == (1_800_000, "open", None)
    assert {r["sku"] for r in read_messages(connector, config, "products").records} == {objects["seats"]["id"], "SUP-1"}


def test_next_read_follows_events_with_updates_deletes_and_cancellations(stripe, config, connector) -> None:
    objects = book(stripe)
    first = {name: read_messages(connector, config, name) for name in ("customers", "subscriptions")}
    stripe.tick()
    stripe.update("customer", objects["acme"]["id"], name="Acme Corp")
    stripe.update("customer", objects["acme"]["id"], name="Acme Corporation")
    globex = next(c for c in stripe.objects["customer"].values() if c["name"] == "Globex")
    stripe.delete("customer", globex["id"])
    stripe.replace_items(objects["subscription"]["id"], [(objects["seats"]["id"], 120_000, 25)])
    stripe.cancel_subscription(objects["subscription"]["id"])

    customers = read_messages(connector, config, "customers", first["customers"].state())
    # The cursor is inclusive, so the creations of its second come again (the upsert absorbs them);
    # of Acme's two updates only the newest snapshot is read.
    acme = [r["name"] for r in customers.records if r["external_id"] == objects["acme"]["id"]]
    assert acme == ["Acme Corporation"] and globex["id"] not in customers.ids()
    assert all(i.startswith("cus_") for i in customers.ids())  # not the customer.subscription.* objects
    assert [t.external_id for t in customers.tombstones] == [globex["id"]]
    assert (
        "/v1/events" in stripe.controls.paths()
        and customers.checkpoints[-1].cursor >= first["customers"].state().cursor
    )

    contract = read_messages(connector, config, "subscriptions", first["subscriptions"].state()).records
    assert [(c["status"], c["auto_renew"], len(c["lines"])) for c in contract] == [("cancelled", False, 1)]
    assert contract[0]["lines"][0]["quantity"] == 25

    first_invoices = read_messages(connector, config, "invoices")
    stripe.tick()
    stripe.pay(objects["invoice"]["id"])
    paid = read_messages(connector, config, "invoices", first_invoices.state()).records[0]
    assert (paid["status"], paid["stripe_amount_remaining"]) == ("paid", 0) and paid["paid_at"] is not None


def test_read_from_the_last_cursor_reads_only_that_seconds_events_again(stripe, config, connector) -> None:
    book(stripe)
    first = read_messages(connector, config, "invoices")
    stripe.tick()
    stripe.add_invoice(first.records[0]["account_external_id"], None, 500)
    again = read_messages(connector, config, "invoices", first.state())
    assert len(again.records) == 2 and set(again.ids()) - set(first.ids())
    stripe.tick()
    last = read_messages(connector, config, "invoices", again.state())
    assert last.ids() == [again.ids()[0]] and last.checkpoints[-1].cursor == again.checkpoints[-1].cursor


def test_listing_resumed_from_a_checkpoint_reads_the_rest(stripe, config, connector) -> None:
    for n in range(5):
        stripe.add_customer(f"Customer {n}")
    full = read_messages(connector, config, "customers")
    resumed_from = full.checkpoints[0]
    rest = read_messages(connector, config, "customers", StreamMessages(checkpoints=[resumed_from]).state())
    assert full.ids()[:2] + rest.ids() == full.ids()


def test_listing_resumed_after_a_deleted_object_lists_again_from_the_top(stripe, config, connector) -> None:
    for n in range(5):
        stripe.add_customer(f"Customer {n}")
    full = read_messages(connector, config, "customers")
    stripe.delete("customer", full.checkpoints[0].resume["starting_after"])
    rest = read_messages(connector, config, "customers", StreamMessages(checkpoints=[full.checkpoints[0]]).state())
    assert rest.ids() == [i for i in full.ids() if i != full.checkpoints[0].resume["starting_after"]]


def test_subscription_with_more_than_ten_items_has_all_its_lines(stripe, config, connector) -> None:
    customer = stripe.add_customer("Bigco")
    products = [stripe.add_product(f"Module {n}") for n in range(12)]
    stripe.add_subscription(customer["id"], [(p["id"], 1_000, 1) for p in products])
    contract = read_messages(connector, config, "subscriptions").records[0]
    assert len(contract["lines"]) == 12 and "/v1/subscription_items" in stripe.controls.paths()


def test_throttled_request_is_retried_after_retry_after(stripe, config, connector) -> None:
    book(stripe)
    stripe.controls.throttle("/v1/customers", times=1, retry_after=1)
    customers = read_messages(connector, config, "customers")
    assert len(customers.records) == 3
    assert stripe.controls.paths(status=429) == ["/v1/customers"]


def test_bad_api_key_fails_check_with_a_clear_message_and_read_with_config_error(stripe, connector) -> None:
    config = StripeConnector.parse_config({"api_key": "sk_test_wrong", "base_url": stripe.base_url})
    result = connector.check(config)
    assert (
        result.ok is False and "Stripe refused the API key" in result.message and "sk_test_wrong" not in result.message
    )
    with pytest.raises(ConfigError):
        read_messages(connector, config, "customers")
    good = StripeConnector.parse_config({"api_key": stripe.api_key, "base_url": stripe.base_url})
    assert connector.check(good).ok is True


def test_config_refuses_unknown_keys_and_hides_the_key() -> None:
    with pytest.raises(ValueError, match="api_kee"):
        StripeConnector.parse_config({"api_kee": "sk"})
    config = StripeConnector.parse_config({"api_key": "sk_live_secret"})
    assert "sk_live_secret" not in repr(config) and StripeConfig.secret_fields() == {"api_key"}


@pytest.mark.skipif(not STRIPE_FIXTURES.exists(), reason="Stripe's fixtures are not on this machine")
def test_local_stripe_objects_use_only_fields_stripe_publishes() -> None:
    published = json.loads(STRIPE_FIXTURES.read_text())
    stripe = FakeStripe()
    objects = book(stripe)
    served = {
        "customer": objects["acme"],
        "product": objects["seats"],
        "invoice": objects["invoice"],
        "subscription": objects["subscription"],
        "subscription_item": objects["subscription"]["items"]["data"][0],
        "price": objects["subscription"]["items"]["data"][0]["price"],
    }
    for kind, stripe_object in served.items():
        ours = {key for key in stripe_object if not key.startswith("_")}
        assert ours <= set(published[kind]), f"{kind}: {ours - set(published[kind])}"
