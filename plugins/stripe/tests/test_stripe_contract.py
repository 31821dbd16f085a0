"""acctgraph's connector contract suite, run on the Stripe connector against a local Stripe."""

from __future__ import annotations

from typing import Any

import pytest
from acctgraph_stripe import StripeConnector
from acctgraph_stripe.testing import FakeStripe
from test_stripe_reads import book

from acctgraph.testing import ConnectorContract
from acctgraph.testing.http import VendorControls


def paged_book(stripe: FakeStripe) -> None:
    """The book of the reads tests and two more customers with a subscription and an invoice each, so
    that every stream spans pages of 2; a customer and a product deleted."""
    book(stripe)
    product = stripe.add_product("Training")["id"]
    stripe.delete("product", stripe.add_product("Discontinued")["id"])
    for n in range(2):
        stripe.tick()
        customer = stripe.add_customer(f"Customer {n}", f"billing@customer{n}.example")["id"]
        subscription = stripe.add_subscription(customer, [(product, 10_000, 1)])
        stripe.add_invoice(customer, subscription["id"], 10_000)
    stripe.delete("customer", stripe.add_customer("Gone", None)["id"])


class TestStripeContract(ConnectorContract):
    connector_class = StripeConnector

    @pytest.fixture
    def connector_config(self, stripe) -> dict[str, Any]:
        book(stripe)
        return stripe.connector_config()

    @pytest.fixture
    def paged_connector_config(self, stripe: FakeStripe) -> dict[str, Any]:
        paged_book(stripe)
        return stripe.connector_config()

    @pytest.fixture
    def bad_credentials_config(self, stripe: FakeStripe) -> dict[str, Any]:
        return {**stripe.connector_config(), "api_key": "sk_test_wrong_key"}

    @pytest.fixture
    def vendor_controls(self, stripe) -> VendorControls:
        return stripe.controls

    @pytest.fixture
    def invalid_connector_config(self) -> dict[str, Any]:
        return {"api_key": "sk_test_acctgraph", "page_size": 500}
