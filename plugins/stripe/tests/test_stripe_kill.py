"""Exactly-once through an HTTP connector: a Stripe sync killed with SIGKILL at random moments (mid
listing, mid page), then run again, leaves the database a clean sync leaves: nothing lost or doubled
(the contract kit's kill-and-rerun check, which compares every synced table)."""

from __future__ import annotations

from acctgraph_stripe import StripeConnector

from acctgraph.testing.engine_runs import check_sigkilled_sync_then_rerun_equals_clean_run

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


def test_stripe_sync_killed_mid_run_then_rerun_equals_clean_run(backend, new_database_url, stripe, monkeypatch) -> None:
    large_book(stripe)
    stripe.controls.delay = 0.01
    monkeypatch.setenv(KEY_VARIABLE, stripe.api_key)
    values = {**stripe.connector_config(), "api_key": f"env:{KEY_VARIABLE}"}
    expected = check_sigkilled_sync_then_rerun_equals_clean_run(
        new_database_url, backend, StripeConnector, values, batch_size=4, kill_after=(0.1, 1.2), attempts=4
    )
    assert len(expected["accounts"]) == 40
