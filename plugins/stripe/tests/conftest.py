"""A local Stripe per test, and the connector's configuration pointing at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_stripe import FakeStripe

from acctgraph.testing_http import serve
from acctgraph_stripe import StripeConnector
from acctgraph_stripe.connector import StripeConfig


@pytest.fixture
def stripe() -> Iterator[FakeStripe]:
    fake = FakeStripe()
    with serve(fake.app()) as base_url:
        fake.base_url = base_url
        yield fake


@pytest.fixture
def config(stripe: FakeStripe) -> StripeConfig:
    return StripeConnector.parse_config({"api_key": stripe.api_key, "base_url": stripe.base_url, "page_size": 2})


@pytest.fixture
def connector() -> StripeConnector:
    return StripeConnector()
