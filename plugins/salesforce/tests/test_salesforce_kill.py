"""Exactly-once through Salesforce, REST and Bulk API 2.0: a sync killed with SIGKILL at random moments,
then run again, leaves the database a clean sync leaves."""

from __future__ import annotations

import random
import signal
import subprocess

import pytest
from acctgraph_salesforce import SalesforceConnector
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from acctgraph import migrations
from acctgraph import models as m
from acctgraph.db import create_sync_engine
from acctgraph.integration.engine import SyncOptions
from acctgraph.testing.http import add_test_connection, start_sync_process, sync_connection, wait_until_run_started

SECRET_VARIABLE = "ACCTGRAPH_TEST_SALESFORCE_SECRET"


def book_as_synced(engine: Engine) -> dict[str, list[tuple]]:
    with Session(engine) as session:
        return {
            "accounts": sorted((a.name, a.deleted_at is None) for a in session.scalars(select(m.Account))),
            "contacts": sorted((c.name, c.account_id is not None) for c in session.scalars(select(m.Contact))),
            "refs": sorted((r.object_type, r.external_id) for r in session.scalars(select(m.ExternalRef))),
        }


@pytest.mark.slow
@pytest.mark.parametrize("bulk_threshold", [10_000, 50], ids=["rest", "bulk"])
def test_salesforce_sync_killed_mid_run_then_rerun_equals_clean_run(
    backend, new_database_url, salesforce, monkeypatch, bulk_threshold
) -> None:
    accounts = [salesforce.add("Account", Name=f"Account {n:03d}") for n in range(120)]
    for n, account in enumerate(accounts):
        salesforce.add("Contact", AccountId=account["Id"], LastName=f"Contact {n:03d}")
    salesforce.controls.delay = 0.01
    monkeypatch.setenv(SECRET_VARIABLE, salesforce.connector_config()["client_secret"])
    values = {
        **salesforce.connector_config(bulk_threshold=bulk_threshold, bulk_page_size=20),
        "client_secret": f"env:{SECRET_VARIABLE}",
    }
    killed, clean = (create_sync_engine(new_database_url(backend)) for _ in range(2))
    for engine in (killed, clean):
        migrations.upgrade(engine.url.render_as_string(hide_password=False))
        add_test_connection(engine, SalesforceConnector, values)

    seed = random.randrange(1_000_000)
    rng, kills = random.Random(seed), 0
    for attempt in range(1, 5):
        url = killed.url.render_as_string(hide_password=False)
        process = start_sync_process(url, SalesforceConnector, batch_size=7)
        wait_until_run_started(killed, attempt, process)
        try:
            process.wait(timeout=rng.uniform(0.2, 1.5))
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=60)
            kills += 1
    assert kills >= 1, f"no sync was killed mid-way (seed {seed})"

    options = SyncOptions(batch_size=7)
    for engine in (killed, clean):
        assert sync_connection(engine, SalesforceConnector, values, options).status == m.SyncRunStatus.SUCCEEDED
    assert book_as_synced(killed) == book_as_synced(clean), f"seed {seed}"
    assert len(book_as_synced(clean)["contacts"]) == 120
    for engine in (killed, clean):
        engine.dispose()
