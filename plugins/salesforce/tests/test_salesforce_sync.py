"""Salesforce synced end to end through the engine into SQLite and PostgreSQL: created, then unchanged,
then updated and deleted; a run stopped by the org's API limit ends partial and the next one resumes."""

from __future__ import annotations

from acctgraph_salesforce import SalesforceConnector
from sqlalchemy import select
from sqlalchemy.orm import Session
from test_salesforce_reads import org

from acctgraph import models as m
from acctgraph.testing.http import sync_connection, synced_counts


def sync(engine, salesforce) -> dict[str, dict[str, int]]:
    return synced_counts(engine, SalesforceConnector, salesforce.connector_config())


def test_salesforce_syncs_then_resyncs_unchanged_then_applies_updates_and_deletes(db_url, engine, salesforce) -> None:
    objects = org(salesforce)
    first = sync(engine, salesforce)
    assert {name: (c["created"], c["rejected"]) for name, c in first.items()} == {
        "accounts": (2, 0),
        "contacts": (1, 1),
        "opportunities": (2, 0),
        "activities": (2, 0),
    }
    with Session(engine) as session:
        accounts = {a.name: a for a in session.scalars(select(m.Account))}
        assert accounts["Acme"].parent_id == accounts["Acme Group"].id
        won = session.scalars(select(m.Opportunity).where(m.Opportunity.name == "Acme renewal 2026")).one()
        assert (won.account_id, won.amount_minor, won.status) == (
            accounts["Acme"].id,
            12_000_050,
            m.OpportunityStatus.WON,
        )
        kinds = sorted(a.kind.value for a in session.scalars(select(m.Activity)))
        assert kinds == ["call", "qbr"]

    second = sync(engine, salesforce)
    assert all(c["created"] == c["deleted"] == 0 for c in second.values()), second

    salesforce.tick(3600)
    salesforce.update("Opportunity", objects["won"]["Id"], Amount=130000)
    salesforce.delete("Contact", objects["grace"]["Id"])
    third = sync(engine, salesforce)
    assert (third["opportunities"]["updated"], third["contacts"]["deleted"]) == (1, 1)
    with Session(engine) as session:
        won = session.scalars(select(m.Opportunity).where(m.Opportunity.name == "Acme renewal 2026")).one()
        assert won.amount_minor == 13_000_000
        assert session.scalars(select(m.Contact.deleted_at)).one() is not None


def test_a_sync_stopped_by_the_api_limit_ends_partial_and_the_next_run_finishes(db_url, engine, salesforce) -> None:
    salesforce.add_many("Account", 700, Name="Account {n}")
    salesforce.api_limit = 4  # token-free requests: users, count, and two batches of 200
    values = {**salesforce.connector_config(), "api_usage_ceiling": 1}
    stopped = sync_connection(engine, SalesforceConnector, values)
    assert stopped.status == m.SyncRunStatus.PARTIAL and "API usage is 4/4" in (stopped.error or "")
    with Session(engine) as session:
        assert len(session.scalars(select(m.Account.id)).all()) == 400  # the two batches read, committed

    salesforce.api_limit = 1_000  # the rolling 24 hours moved on
    finished = sync_connection(engine, SalesforceConnector, values)
    assert finished.status == m.SyncRunStatus.SUCCEEDED
    with Session(engine) as session:
        assert len(session.scalars(select(m.Account.id)).all()) == 700
