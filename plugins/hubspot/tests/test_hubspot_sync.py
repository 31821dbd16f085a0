"""HubSpot synced end to end through the engine into SQLite and PostgreSQL."""

from __future__ import annotations

from acctgraph_hubspot import HubSpotConnector
from sqlalchemy import select
from sqlalchemy.orm import Session
from test_hubspot_reads import crm

from acctgraph import models as m
from acctgraph.testing.http import check_connection_of, synced_counts


def sync(engine, hubspot) -> dict[str, dict[str, int]]:
    return synced_counts(engine, HubSpotConnector, hubspot.connector_config())


def test_hubspot_syncs_then_resyncs_unchanged_then_applies_updates_and_archives(db_url, engine, hubspot) -> None:
    objects = crm(hubspot)
    first = sync(engine, hubspot)
    assert {name: (c["created"], c["rejected"]) for name, c in first.items()} == {
        "companies": (1, 0),
        "contacts": (1, 1),
        "deals": (1, 0),
        "engagements": (5, 0),
    }
    with Session(engine) as session:
        account = session.scalars(select(m.Account)).one()
        deal = session.scalars(select(m.Opportunity)).one()
        assert (deal.account_id, deal.amount_minor, deal.currency, deal.status) == (
            account.id,
            150_050,
            "EUR",
            m.OpportunityStatus.WON,
        )
        kinds = sorted(
            a.kind.value for a in session.scalars(select(m.Activity).where(m.Activity.account_id == account.id))
        )
        assert kinds == ["call", "email", "meeting", "note", "task"]

    second = sync(engine, hubspot)
    assert all(c["created"] == c["updated"] == c["deleted"] == 0 for c in second.values()), second

    hubspot.tick()
    hubspot.update("deals", objects["deal"]["id"], amount="2000")
    hubspot.archive("contacts", objects["ada"]["id"])
    third = sync(engine, hubspot)
    assert (third["deals"]["updated"], third["contacts"]["deleted"], third["companies"]["updated"]) == (1, 1, 0)
    with Session(engine) as session:
        assert session.scalars(select(m.Opportunity.amount_minor)).one() == 200_000
        assert session.scalars(select(m.Contact.deleted_at)).one() is not None


def test_throttled_hubspot_sync_waits_and_succeeds(db_url, engine, hubspot) -> None:
    crm(hubspot)
    hubspot.controls.throttle("/crm/v3/objects/companies/search", retry_after=1)
    assert sync(engine, hubspot)["companies"]["created"] == 1
    assert hubspot.controls.paths(status=429) == ["/crm/v3/objects/companies/search"]


def test_connection_check_with_a_revoked_token_says_what_to_fix(db_url, engine, hubspot) -> None:
    sync(engine, hubspot)
    hubspot.token = "pat-revoked"
    result = check_connection_of(engine, HubSpotConnector)
    assert result.ok is False and "HubSpot refused the access token" in result.message and "HTTP 401" in result.message
