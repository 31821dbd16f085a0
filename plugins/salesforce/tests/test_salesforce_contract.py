"""acctgraph's connector contract suite, run on the Salesforce connector against a local org."""

from __future__ import annotations

from typing import Any

import pytest
from acctgraph_salesforce import SalesforceConnector
from test_salesforce_reads import org

from acctgraph.testing import ConnectorContract


class TestSalesforceContract(ConnectorContract):
    connector_class = SalesforceConnector
    abort_after_checkpoint = 2
    expected_record_errors = 1  # the contact related to no account

    @pytest.fixture
    def connector_config(self, salesforce) -> dict[str, Any]:
        org(salesforce)
        return salesforce.connector_config()

    @pytest.fixture
    def invalid_connector_config(self) -> dict[str, Any]:
        return {"client_id": "3MVG9x", "auth_flow": "password"}
