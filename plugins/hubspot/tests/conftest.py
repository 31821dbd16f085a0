"""A local HubSpot per test, the connector's configuration pointing at it, and the project's test
databases (a SQLite file, and PostgreSQL when ACCTGRAPH_TEST_POSTGRES_URL is set) for syncs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from acctgraph_hubspot import HubSpotConnector
from acctgraph_hubspot.connector import HubSpotConfig
from acctgraph_hubspot.testing import FakeHubSpot

from acctgraph.testing.http import serving


@pytest.fixture
def hubspot() -> Iterator[FakeHubSpot]:
    with serving(FakeHubSpot(search_window=6)) as fake:  # HubSpot's 10,000-results cap, scaled down
        yield fake


@pytest.fixture
def config(hubspot: FakeHubSpot) -> HubSpotConfig:
    return HubSpotConnector.parse_config(hubspot.connector_config())


@pytest.fixture
def connector() -> HubSpotConnector:
    return HubSpotConnector()
