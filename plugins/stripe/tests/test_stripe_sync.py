"""Stripe synced end to end through the engine into SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from acctgraph_stripe import StripeConnector
from sqlalchemy import select
from sqlalchemy.orm import Session
from test_stripe_reads import book

from acctgraph import models as m
from acctgraph.testing.http import check_connection_of, synced_counts


def sync(engine, stripe) -> dict[str, dict[str, int]]:
    return synced_counts(engine, StripeConnector, stripe.connector_config())


def test_stripe_syncs_then_resyncs_unchanged_then_applies_updates_and_deletes(db_url, engine, stripe) -> None:
    objects = book(stripe)
    first = sync(engine, stripe)
    assert {name: counts["created"] for name, counts in first.items()} == {
        "customers": 3,
        "products": 2,
        "subscriptions": 1,
        "invoices": 1,
    }  # a contract; its 2 lines are counted apart, as nested records
    with Session(engine) as session:
        contract = session.scalars(select(m.Contract)).one()
        lines = session.scalars(select(m.ContractLine).where(m.ContractLine.contract_id == contract.id)).all()
        assert sorted((line.quantity, line.unit_price_minor) for line in lines) == [(1, 5_000), (10, 10_000)]
        invoice = session.scalars(select(m.Invoice)).one()
        assert (invoice.contract_id, invoice.amount_minor, invoice.currency) == (contract.id, 1_800_000, "USD")

    second = sync(engine, stripe)
    assert all(counts["created"] == counts["updated"] == counts["deleted"] == 0 for counts in second.values()), second

    stripe.tick()
    stripe.update("customer", objects["acme"]["id"], name="Acme Corporation")
    globex = next(c for c in stripe.objects["customer"].values() if c["name"] == "Globex")
    stripe.delete("customer", globex["id"])
    stripe.replace_items(objects["subscription"]["id"], [(objects["seats"]["id"], 120_000, 25)], interval="year")
    third = sync(engine, stripe)
    assert (third["customers"]["updated"], third["customers"]["deleted"]) == (1, 1)
    assert third["subscriptions"]["created"] == 0  # the contract itself did not change; its lines did
    with Session(engine) as session:
        accounts = {a.name: a.deleted_at for a in session.scalars(select(m.Account))}
        assert set(accounts) == {"Acme Corporation", "Globex", "Initech"} and accounts["Globex"] is not None
        live = session.scalars(
            select(m.ContractLine).where(m.ContractLine.deleted_at.is_(None), m.ContractLine.effective_to.is_(None))
        ).all()
        assert [(line.quantity, line.unit_price_minor) for line in live] == [(25, 10_000)]


def test_throttled_stripe_sync_waits_and_succeeds(db_url, engine, stripe) -> None:
    book(stripe)
    stripe.controls.throttle("/v1/invoices", retry_after=1)
    assert sync(engine, stripe)["invoices"]["created"] == 1
    assert stripe.controls.paths(status=429) == ["/v1/invoices"]


def test_connection_check_with_a_revoked_key_says_what_to_fix(db_url, engine, stripe) -> None:
    sync(engine, stripe)
    stripe.api_key = "sk_test_rotated"
    result = check_connection_of(engine, StripeConnector)
    assert result.ok is False and "Stripe refused the API key" in result.message and "HTTP 401" in result.message


def test_a_voided_invoice_keeps_the_day_it_was_voided(db_url, engine, stripe) -> None:
    objects = book(stripe)
    second = stripe.add_invoice(objects["acme"]["id"], objects["subscription"]["id"], 2_000)
    sync(engine, stripe)
    stripe.tick(86_400)
    stripe.void(objects["invoice"]["id"])
    stripe.void(second["id"], dated=False)
    synced_from = datetime.now(UTC)
    sync(engine, stripe)
    with Session(engine) as session:
        voided = {i.number: (i.status, i.voided_at) for i in session.scalars(select(m.Invoice))}
    dated = datetime.fromtimestamp(stripe.now, UTC)
    assert voided[objects["invoice"]["number"]] == (m.InvoiceStatus.VOID, dated)
    status, seen_at = voided[second["number"]]
    assert status is m.InvoiceStatus.VOID
    assert seen_at is not None and seen_at >= synced_from  # undated by the source: dated by the sync that saw it
