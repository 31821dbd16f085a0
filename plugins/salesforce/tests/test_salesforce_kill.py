"""Exactly-once through Salesforce, REST and Bulk API 2.0: a sync killed with SIGKILL at random moments,
then run again, leaves the database a clean sync leaves (the contract kit's kill-and-rerun check)."""

from __future__ import annotations

import pytest
from acctgraph_salesforce import SalesforceConnector

from acctgraph.testing.engine_runs import check_sigkilled_sync_then_rerun_equals_clean_run

SECRET_VARIABLE = "ACCTGRAPH_TEST_SALESFORCE_SECRET"


@pytest.mark.slow
@pytest.mark.parametrize("bulk_threshold", [10_000, 50], ids=["rest", "bulk"])
def test_salesforce_sync_killed_mid_run_then_rerun_equals_clean_run(
    backend, new_database_url, salesforce, monkeypatch, bulk_threshold
) -> None:
    accounts = [salesforce.add("Account", Name=f"Account {n:03d}") for n in range(120)]
    for n, account in enumerate(accounts):
        salesforce.add("Contact", AccountId=account["Id"], LastName=f"Contact {n:03d}")
    salesforce.controls.delay = 0.05
    monkeypatch.setenv(SECRET_VARIABLE, salesforce.connector_config()["client_secret"])
    values = {
        **salesforce.connector_config(bulk_threshold=bulk_threshold, bulk_page_size=20),
        "client_secret": f"env:{SECRET_VARIABLE}",
    }
    expected = check_sigkilled_sync_then_rerun_equals_clean_run(
        new_database_url, backend, SalesforceConnector, values, batch_size=7, kill_after=(0.1, 1.0), attempts=4
    )
    assert len(expected["contacts"]) == 120
