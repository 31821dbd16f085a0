"""acctgraph's connector contract suite, run on the Zendesk connector against a local Zendesk."""

from __future__ import annotations

from typing import Any

import pytest
from acctgraph_zendesk import ZendeskConnector
from acctgraph_zendesk.testing import FakeZendesk
from test_zendesk_reads import helpdesk

from acctgraph.testing import ConnectorContract
from acctgraph.testing.http import VendorControls


def paged_helpdesk(zendesk: FakeZendesk) -> None:
    """The help desk of the reads tests and two more organizations with a ticket each, so that every
    stream spans pages of 2; an organization and a ticket deleted."""
    helpdesk(zendesk)
    for n in range(2):
        organization = zendesk.add_organization(f"Organization {n}", [f"org{n}.example"])
        zendesk.tick(10)
        ticket = zendesk.add_ticket(f"Question {n}", organization["id"])
    zendesk.tick(10)
    zendesk.delete_ticket(ticket["id"])
    zendesk.delete_organization(organization["id"])
    zendesk.tick()


class TestZendeskContract(ConnectorContract):
    connector_class = ZendeskConnector
    expected_record_errors = 1  # the ticket of no organization

    @pytest.fixture
    def connector_config(self, zendesk) -> dict[str, Any]:
        helpdesk(zendesk)
        return zendesk.connector_config()

    @pytest.fixture
    def paged_connector_config(self, zendesk: FakeZendesk) -> dict[str, Any]:
        paged_helpdesk(zendesk)
        return zendesk.connector_config()

    @pytest.fixture
    def bad_credentials_config(self, zendesk: FakeZendesk) -> dict[str, Any]:
        return {**zendesk.connector_config(), "api_token": "wrong-token"}

    @pytest.fixture
    def vendor_controls(self, zendesk) -> VendorControls:
        return zendesk.controls

    @pytest.fixture
    def invalid_connector_config(self) -> dict[str, Any]:
        return {"subdomain": "https://acme.zendesk.com", "email": "admin@acme.example", "api_token": "t"}
