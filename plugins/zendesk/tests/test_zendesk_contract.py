"""acctgraph's connector contract suite, run on the Zendesk connector against a local Zendesk."""

from __future__ import annotations

from typing import Any

import pytest
from acctgraph_zendesk import ZendeskConnector
from test_zendesk_reads import helpdesk

from acctgraph.testing import ConnectorContract


class TestZendeskContract(ConnectorContract):
    connector_class = ZendeskConnector
    abort_after_checkpoint = 1
    expected_record_errors = 1  # the ticket of no organization

    @pytest.fixture
    def connector_config(self, zendesk) -> dict[str, Any]:
        helpdesk(zendesk)
        return zendesk.connector_config()

    @pytest.fixture
    def invalid_connector_config(self) -> dict[str, Any]:
        return {"subdomain": "https://acme.zendesk.com", "email": "admin@acme.example", "api_token": "t"}
