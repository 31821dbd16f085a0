"""acctgraph's connector contract suite, run on the HubSpot connector against a local HubSpot."""

from __future__ import annotations

from typing import Any

import pytest
from acctgraph_hubspot import HubSpotConnector
from acctgraph_hubspot.testing import FakeHubSpot
from test_hubspot_reads import crm

from acctgraph.testing import ConnectorContract
from acctgraph.testing.http import VendorControls


def paged_crm(hubspot: FakeHubSpot) -> None:
    """The CRM of the reads tests and more of each object, so that every stream spans pages of 2; one
    company archived (HubSpot's delete)."""
    acme = crm(hubspot)["acme"]["id"]
    for n in range(3):
        hubspot.tick()
        company = hubspot.add("companies", {"name": f"Company {n}", "domain": f"company{n}.example"})
        hubspot.add(
            "contacts",
            {"firstname": "Pat", "lastname": f"Doe {n}", "email": f"pat{n}@company{n}.example"},
            [company["id"]],
        )
        hubspot.add("deals", {"dealname": f"Deal {n}", "dealstage": "appointmentscheduled", "amount": "100"}, [acme])
    hubspot.archive("companies", company["id"])


class TestHubSpotContract(ConnectorContract):
    connector_class = HubSpotConnector
    expected_record_errors = 1  # the contact associated with no company

    @pytest.fixture
    def connector_config(self, hubspot) -> dict[str, Any]:
        crm(hubspot)
        return hubspot.connector_config()

    @pytest.fixture
    def paged_connector_config(self, hubspot: FakeHubSpot) -> dict[str, Any]:
        paged_crm(hubspot)
        return hubspot.connector_config()

    @pytest.fixture
    def bad_credentials_config(self, hubspot: FakeHubSpot) -> dict[str, Any]:
        return {**hubspot.connector_config(), "access_token": "pat-na1-wrong-token"}

    @pytest.fixture
    def vendor_controls(self, hubspot) -> VendorControls:
        return hubspot.controls

    @pytest.fixture
    def invalid_connector_config(self) -> dict[str, Any]:
        return {"access_token": "pat-na1-x", "default_currency": "euro"}
