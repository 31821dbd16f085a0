"""Exactly-once through an HTTP connector: a Stripe sync killed with SIGKILL at random moments (mid
listing, mid page), then run again, leaves the database a clean sync leaves: nothing lost or doubled."""

from __future__ import annotations

import random
import signal
import subprocess

from acctgraph_stripe import StripeConnector
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from acctgraph import migrations
from acctgraph import models as m
from acctgraph.db import create_sync_engine
from acctgraph.integration.engine import SyncOptions
from acctgraph.testing.http import add_test_connection, start_sync_process, sync_connection, wait_until_run_started

KEY_VARIABLE = "ACCTGRAPH_TEST_STRIPE_KEY"


def large_book(stripe) -> None:
    """40 customers, each with a two-product subscription and an invoice: some 60 pages of 2."""
    products = [stripe.add_product(f"Module {n}")["id"] for n in range(6)]
    for n in range(40):
        customer = stripe.add_customer(f"Customer {n:02d}")["id"]
        subscription = stripe.add_subscription(
            customer, [(products[n % 6], 1_000 * n, 1), (products[(n + 1) % 6], 500, n)]
        )
        stripe.add_invoice(customer, subscription["id"], 1_500 * n)


def book_as_synced(engine: Engine) -> dict[str, list[tuple]]:
    """What the syncs left, by business keys: a lost record is missing here, a doubled one twice."""
    with Session(engine) as session:
        return {
            "accounts": sorted((a.name, a.deleted_at is None) for a in session.scalars(select(m.Account))),
            "products": sorted(p.sku for p in session.scalars(select(m.Product))),
            "contracts": sorted((c.number, c.status, c.end_date) for c in session.scalars(select(m.Contract))),
            "lines": sorted((line.quantity, line.unit_price_minor) for line in session.scalars(select(m.ContractLine))),
            "invoices": sorted((i.number, i.amount_minor) for i in session.scalars(select(m.Invoice))),
            "refs": sorted((r.object_type, r.external_id) for r in session.scalars(select(m.ExternalRef))),
        }


def test_stripe_sync_killed_mid_run_then_rerun_equals_clean_run(backend, new_database_url, stripe, monkeypatch) -> None:
    large_book(stripe)
    stripe.controls.delay = 0.01
    monkeypatch.setenv(KEY_VARIABLE, stripe.api_key)
    values = {**stripe.connector_config(), "api_key": f"env:{KEY_VARIABLE}"}
    killed, clean = (create_sync_engine(new_database_url(backend)) for _ in range(2))
    for engine in (killed, clean):
        migrations.upgrade(engine.url.render_as_string(hide_password=False))
        add_test_connection(engine, StripeConnector, values)

    seed = random.randrange(1_000_000)
    rng, kills = random.Random(seed), 0
    for attempt in range(1, 5):
        process = start_sync_process(killed.url.render_as_string(hide_password=False), StripeConnector, batch_size=4)
        wait_until_run_started(killed, attempt, process)
        try:
            process.wait(timeout=rng.uniform(0.1, 1.2))
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=60)
            kills += 1
    assert kills >= 1, f"no sync was killed mid-way (seed {seed})"

    options = SyncOptions(batch_size=4)
    for engine in (killed, clean):
        assert sync_connection(engine, StripeConnector, values, options).status == m.SyncRunStatus.SUCCEEDED
    assert book_as_synced(killed) == book_as_synced(clean), f"seed {seed}"
    assert len(book_as_synced(clean)["accounts"]) == 40
    for engine in (killed, clean):
        engine.dispose()
