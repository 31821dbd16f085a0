"""Zendesk synced end to end through the engine into SQLite and PostgreSQL."""

from __future__ import annotations

from acctgraph_zendesk import ZendeskConnector
from sqlalchemy import select
from sqlalchemy.orm import Session
from test_zendesk_reads import helpdesk

from acctgraph import models as m
from acctgraph.testing.http import check_connection_of, synced_counts


def sync(engine, zendesk) -> dict[str, dict[str, int]]:
    return synced_counts(engine, ZendeskConnector, zendesk.connector_config())


def test_zendesk_syncs_then_resyncs_unchanged_then_applies_updates_and_deletes(db_url, engine, zendesk) -> None:
    objects = helpdesk(zendesk)
    first = sync(engine, zendesk)
    assert {name: (c["created"], c["rejected"]) for name, c in first.items()} == {
        "organizations": (2, 0),
        "tickets": (2, 1),
    }
    with Session(engine) as session:
        tickets = {t.subject: t for t in session.scalars(select(m.SupportTicket))}
        assert tickets["How do I export?"].satisfaction == m.Satisfaction.GOOD
        assert tickets["How do I export?"].extra["zendesk_satisfaction_comment"] == "Quick answer"
        assert tickets["How do I export?"].extra["zendesk_rated_at"]  # the ratings, merged after the export
        assert tickets["Outage"].status == m.TicketStatus.ON_HOLD and tickets["Outage"].escalated is True

    second = sync(engine, zendesk)
    assert all(c["created"] == c["updated"] == c["deleted"] == 0 for c in second.values()), second

    zendesk.update_ticket(objects["outage"]["id"], status="solved")
    zendesk.delete_ticket(objects["question"]["id"])
    zendesk.tick()
    third = sync(engine, zendesk)
    assert (third["tickets"]["updated"], third["tickets"]["deleted"]) == (1, 1)
    with Session(engine) as session:
        tickets = {t.subject: t for t in session.scalars(select(m.SupportTicket))}
        assert tickets["Outage"].status == m.TicketStatus.SOLVED and tickets["How do I export?"].deleted_at is not None


def test_throttled_zendesk_sync_waits_and_succeeds(db_url, engine, zendesk) -> None:
    helpdesk(zendesk)
    zendesk.controls.throttle("/api/v2/incremental/organizations", retry_after=1)
    assert sync(engine, zendesk)["organizations"]["created"] == 2
    assert zendesk.controls.paths(status=429) == ["/api/v2/incremental/organizations.json"]


def test_connection_check_with_a_revoked_token_says_what_to_fix(db_url, engine, zendesk) -> None:
    sync(engine, zendesk)
    zendesk.api_token = "revoked"
    result = check_connection_of(engine, ZendeskConnector)
    assert (
        result.ok is False
        and "Zendesk refused the e-mail and API token" in result.message
        and "HTTP 401" in result.message
    )
