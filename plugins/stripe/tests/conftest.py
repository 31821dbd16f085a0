"""A local Stripe per test, the connector's configuration pointing at it, and the project's test
databases (a SQLite file, and PostgreSQL when ACCTGRAPH_TEST_POSTGRES_URL is set) for syncs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from acctgraph_stripe import StripeConnector
from acctgraph_stripe.connector import StripeConfig
from acctgraph_stripe.testing import FakeStripe

from acctgraph.testing.http import serving


@pytest.fixture
def stripe() -> Iterator[FakeStripe]:
    with serving(FakeStripe()) as fake:
        yield fake


@pytest.fixture
def config(stripe: FakeStripe) -> StripeConfig:
    return StripeConnector.parse_config(stripe.connector_config())


@pytest.fixture
def connector() -> StripeConnector:
    return StripeConnector()
