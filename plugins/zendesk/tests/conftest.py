"""A local Zendesk per test, the connector's configuration pointing at it, and the project's test
databases (a SQLite file, and PostgreSQL when ACCTGRAPH_TEST_POSTGRES_URL is set) for syncs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from acctgraph_zendesk import ZendeskConnector
from acctgraph_zendesk.connector import ZendeskConfig
from acctgraph_zendesk.testing import FakeZendesk

from acctgraph.testing.http import serving


@pytest.fixture
def zendesk() -> Iterator[FakeZendesk]:
    with serving(FakeZendesk()) as fake:
        yield fake


@pytest.fixture
def config(zendesk: FakeZendesk) -> ZendeskConfig:
    return ZendeskConnector.parse_config(zendesk.connector_config())


@pytest.fixture
def connector() -> ZendeskConnector:
    return ZendeskConnector()
