"""acctgraph's connector contract suite, run on the Stripe connector against a local Stripe."""

from __future__ import annotations

from typing import Any

import pytest
from acctgraph_stripe import StripeConnector
from test_stripe_reads import book

from acctgraph.testing import ConnectorContract


class TestStripeContract(ConnectorContract):
    connector_class = StripeConnector
    abort_after_checkpoint = 1

    @pytest.fixture
    def connector_config(self, stripe) -> dict[str, Any]:
        book(stripe)
        return stripe.connector_config()

    @pytest.fixture
    def invalid_connector_config(self) -> dict[str, Any]:
        return {"api_key": "sk_test_acctgraph", "page_size": 500}
