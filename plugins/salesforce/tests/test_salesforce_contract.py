"""acctgraph's connector contract suite, run on the Salesforce connector against a local org."""

from __future__ import annotations

from typing import Any

import pytest
from acctgraph_salesforce import SalesforceConnector
from acctgraph_salesforce.testing import FakeSalesforce
from test_salesforce_reads import org

from acctgraph.testing import ConnectorContract
from acctgraph.testing.http import VendorControls


def paged_org(salesforce: FakeSalesforce) -> None:
    """The org of the reads tests and more of each object, served in batches of 2; an account deleted."""
    acme = org(salesforce)["acme"]["Id"]
    salesforce.max_batch = 2
    for n in range(3):
        salesforce.tick()
        account = salesforce.add("Account", Name=f"Account {n}", Website=f"account{n}.example")
        salesforce.add("Contact", AccountId=account["Id"], LastName=f"Doe {n}", Email=f"doe{n}@account{n}.example")
        salesforce.add(
            "Opportunity", AccountId=acme, Name=f"Deal {n}", StageName="Prospecting", Amount=100, CloseDate="2026-06-30"
        )
        salesforce.add("Task", AccountId=acme, Subject=f"Follow-up {n}", TaskSubtype="Call", ActivityDate="2026-01-03")
    salesforce.tick()
    salesforce.delete("Account", account["Id"])


class TestSalesforceContract(ConnectorContract):
    connector_class = SalesforceConnector
    expected_record_errors = 1  # the contact related to no account

    @pytest.fixture
    def connector_config(self, salesforce) -> dict[str, Any]:
        org(salesforce)
        return salesforce.connector_config()

    @pytest.fixture
    def paged_connector_config(self, salesforce: FakeSalesforce) -> dict[str, Any]:
        paged_org(salesforce)
        return salesforce.connector_config()

    @pytest.fixture
    def bad_credentials_config(self, salesforce: FakeSalesforce) -> dict[str, Any]:
        return salesforce.connector_config(client_secret="wrong-secret")

    @pytest.fixture
    def vendor_controls(self, salesforce) -> VendorControls:
        return salesforce.controls

    @pytest.fixture
    def invalid_connector_config(self) -> dict[str, Any]:
        return {"client_id": "3MVG9x", "auth_flow": "password"}
