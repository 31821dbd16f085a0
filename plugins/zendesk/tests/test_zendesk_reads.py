"""The Zendesk connector against a local Zendesk: incremental exports, deletes, ratings, retries."""

from __future__ import annotations

import pytest
from acctgraph_zendesk import ZendeskConnector

from acctgraph.integration.errors import ConfigError
from acctgraph.testing.http import StreamMessages, read_messages


def helpdesk(zendesk) -> dict[str, dict]:
    """Two organizations, three tickets (one of no organization), a rating; all older than a minute."""
    acme = zendesk.add_organization("Acme", ["Acme.example", "acme-support.example", "not a domain"])
    globex = zendesk.add_organization("Globex")
    zendesk.tick(10)
    outage = zendesk.add_ticket("Outage", acme["id"], priority="urgent", status="hold", tags=["escalated", "sla"])
    question = zendesk.add_ticket("How do I export?", globex["id"], priority=None)
    zendesk.add_ticket("Lost password", None)
    zendesk.tick(10)
    zendesk.update_ticket(question["id"], status="solved")
    zendesk.rate(question["id"], "good", "Quick answer")
    zendesk.tick()
    return {"acme": acme, "globex": globex, "outage": outage, "question": question}


def test_first_read_maps_organizations_and_tickets(zendesk, config, connector) -> None:
    objects = helpdesk(zendesk)
    organizations = read_messages(connector, config, "organizations").records
    acme = next(o for o in organizations if o["name"] == "Acme")
    assert (acme["external_id"], acme["domain"], acme["domains"]) == (
        str(objects["acme"]["id"]),
        "acme.example",
        ["acme-support.example"],
    )

    tickets = read_messages(connector, config, "tickets")
    by_subject = {t["subject"]: t for t in tickets.records}
    outage, question = by_subject["Outage"], by_subject["How do I export?"]
    assert (outage["priority"], outage["status"], outage["escalated"], outage["closed_at"]) == (
        "urgent",
        "on_hold",
        True,
        None,
    )
    assert (question["priority"], question["status"], question["satisfaction"]) == ("normal", "solved", "good")
    assert question["closed_at"] is not None and question["account_external_id"] == str(objects["globex"]["id"])
    assert len(tickets.errors) == 1 and "belongs to no organization" in tickets.errors[0].reason


def test_changes_of_the_last_minute_wait_for_the_next_read(zendesk, config, connector) -> None:
    helpdesk(zendesk)
    first = read_messages(connector, config, "tickets")
    late = zendesk.add_ticket("Just now", next(iter(zendesk.organizations)))
    zendesk.tick(30)  # Zendesk still holds it back
    second = read_messages(connector, config, "tickets", first.state())
    assert str(late["id"]) not in second.ids()
    zendesk.tick()
    third = read_messages(connector, config, "tickets", second.state())
    assert str(late["id"]) in third.ids()


def test_next_read_gets_changes_and_deleted_tickets_and_organizations(zendesk, config, connector) -> None:
    objects = helpdesk(zendesk)
    first = {name: read_messages(connector, config, name) for name in ("tickets", "organizations")}
    zendesk.tick()
    zendesk.update_ticket(objects["outage"]["id"], status="solved")
    zendesk.delete_ticket(objects["question"]["id"])
    zendesk.delete_organization(objects["globex"]["id"])
    zendesk.tick()
    tickets = read_messages(connector, config, "tickets", first["tickets"].state())
    assert [(t["subject"], t["status"]) for t in tickets.records] == [("Outage", "solved")]
    assert [t.external_id for t in tickets.tombstones] == [str(objects["question"]["id"])]
    organizations = read_messages(connector, config, "organizations", first["organizations"].state())
    assert [t.external_id for t in organizations.tombstones] == [str(objects["globex"]["id"])]
    assert organizations.ids() == [str(objects["acme"]["id"])]  # unchanged, but of the cursor's second (>=)


def test_ticket_export_resumed_at_its_cursor_reads_the_rest(zendesk, config, connector) -> None:
    helpdesk(zendesk)
    full = read_messages(connector, config, "tickets")
    assert [list(c.resume) for c in full.checkpoints] == [["cursor"], ["phase"], []]  # export pages, then ratings
    rest = read_messages(connector, config, "tickets", StreamMessages(checkpoints=[full.checkpoints[0]]).state())
    assert rest.ids() == full.ids()[1:]  # the first page held a ticket and the one of no organization


def test_organizations_sharing_one_second_across_pages_are_all_read(zendesk, config, connector) -> None:
    names = [zendesk.add_organization(f"Org {n}")["name"] for n in range(5)]
    zendesk.tick()
    organizations = read_messages(connector, config, "organizations")
    assert sorted(o["name"] for o in organizations.records) == names


def test_satisfaction_ratings_put_comment_and_reason_on_their_tickets(zendesk, config, connector) -> None:
    objects = helpdesk(zendesk)
    zendesk.rate(objects["outage"]["id"], "bad", "Down for hours", reason="The issue was not resolved")
    zendesk.tick()
    tickets = read_messages(connector, config, "tickets")
    rated = [t for t in tickets.records if "zendesk_rated_at" in t]  # after the export, the ratings
    assert tickets.records[: -len(rated)] and all("zendesk_rated_at" not in t for t in tickets.records[: -len(rated)])
    assert {(t["subject"], t["satisfaction"], t["zendesk_satisfaction_reason"]) for t in rated} == {
        ("How do I export?", "good", None),
        ("Outage", "bad", "The issue was not resolved"),
    }
    assert "/api/v2/tickets/show_many.json" in zendesk.controls.paths()


def test_throttled_export_is_retried_after_retry_after(zendesk, config, connector) -> None:
    helpdesk(zendesk)
    zendesk.controls.throttle("/api/v2/incremental/tickets", retry_after=1)
    assert len(set(read_messages(connector, config, "tickets").ids())) == 2
    assert zendesk.controls.paths(status=429) == ["/api/v2/incremental/tickets/cursor.json"]


def test_bad_token_fails_check_with_a_clear_message_and_read_with_config_error(zendesk, connector) -> None:
    config = ZendeskConnector.parse_config(
        {"subdomain": "acme", "email": zendesk.email, "api_token": "wrong", "base_url": zendesk.base_url}
    )
    result = connector.check(config)
    assert result.ok is False and "Zendesk refused the e-mail and API token" in result.message
    with pytest.raises(ConfigError):
        read_messages(connector, config, "tickets")
    good = ZendeskConnector.parse_config(
        {"subdomain": "acme", "email": zendesk.email, "api_token": zendesk.api_token, "base_url": zendesk.base_url}
    )
    assert connector.check(good).ok is True
