"""acctgraph's connector contract suite, run on the HubSpot connector against a local HubSpot."""

from __future__ import annotations

from typing import Any

import pytest
from acctgraph_hubspot import HubSpotConnector
from test_hubspot_reads import crm

from acctgraph.testing import ConnectorContract


class TestHubSpotContract(ConnectorContract):
    connector_class = HubSpotConnector
    abort_after_checkpoint = 2
    expected_record_errors = 1  # the contact associated with no company

    @pytest.fixture
    def connector_config(self, hubspot) -> dict[str, Any]:
        crm(hubspot)
        return hubspot.connector_config()

    @pytest.fixture
    def invalid_connector_config(self) -> dict[str, Any]:
        return {"access_token": "pat-na1-x", "default_currency": "euro"}
