"""A local Salesforce org per test, the connector's configuration pointing at it, and the project's test
databases (a SQLite file, and PostgreSQL when ACCTGRAPH_TEST_POSTGRES_URL is set) for syncs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from acctgraph_salesforce import SalesforceConnector
from acctgraph_salesforce.config import SalesforceConfig
from acctgraph_salesforce.testing import FakeSalesforce

from acctgraph.testing.http import serving


@pytest.fixture
def salesforce() -> Iterator[FakeSalesforce]:
    with serving(FakeSalesforce()) as fake:
        yield fake


@pytest.fixture
def config(salesforce: FakeSalesforce) -> SalesforceConfig:
    return SalesforceConfig.model_validate(salesforce.connector_config())


@pytest.fixture
def connector() -> SalesforceConnector:
    return SalesforceConnector()
