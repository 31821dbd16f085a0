"""The HubSpot connector against a local HubSpot: search paging, the 10,000 cap, archives, retries."""

from __future__ import annotations

import pytest
from acctgraph_hubspot import HubSpotConnector
from acctgraph_hubspot.testing import ENGAGEMENT_TYPES

from acctgraph.integration.connector import Checkpoint, StreamState
from acctgraph.integration.errors import ConfigError, ConnectorError
from acctgraph.testing.http import StreamMessages, read_messages


def crm(hubspot) -> dict[str, dict]:
    """A company with a contact, a won deal and one engagement of each type; a contact of no company."""
    acme = hubspot.add(
        "companies",
        {"name": "Acme", "domain": "https://www.Acme.example/", "industry": "Software", "country": "France"},
    )
    hubspot.tick()
    ada = hubspot.add(
        "contacts",
        {"firstname": "Ada", "lastname": "Lovelace", "email": "ada@acme.example", "jobtitle": "CTO"},
        [acme["id"]],
    )
    hubspot.add("contacts", {"email": "loner@nowhere.example"})
    deal = hubspot.add(
        "deals",
        {
            "dealname": "Acme renewal 2026",
            "dealstage": "closedwon",
            "amount": "1500.50",
            "deal_currency_code": "EUR",
            "closedate": "2026-03-31T00:00:00.000Z",
            "hs_is_closed": "true",
            "hs_is_closed_won": "true",
            "hs_deal_stage_probability": "1.0",
            "dealtype": "existingbusiness",
            "hs_manual_forecast_category": "CLOSED",
        },
        [acme["id"]],
    )
    for object_type in ENGAGEMENT_TYPES:
        hubspot.tick(1)
        hubspot.add(
            object_type,
            {
                "hs_timestamp": "2026-01-02T10:00:00.000Z",
                "hs_call_title": "Kick-off call",
                "hs_email_subject": "Welcome",
                "hs_meeting_title": "QBR",
                "hs_note_body": "<p>Renewal at risk</p><p>Budget cut</p>",
                "hs_task_subject": "Send deck",
            },
            [acme["id"]],
        )
    return {"acme": acme, "ada": ada, "deal": deal}


def test_first_read_maps_companies_contacts_deals_and_engagements(hubspot, config, connector) -> None:
    objects = crm(hubspot)
    company = read_messages(connector, config, "companies").records
    assert [(c["name"], c["domain"], c["region"], c["industry"]) for c in company] == [
        ("Acme", "acme.example", "France", "Software")
    ]

    contacts = read_messages(connector, config, "contacts")
    assert [(c["name"], c["title"], c["account_external_id"]) for c in contacts.records] == [
        ("Ada Lovelace", "CTO", objects["acme"]["id"])
    ]
    assert len(contacts.errors) == 1 and "associated with no company" in contacts.errors[0].reason

    deal = read_messages(connector, config, "deals").records[0]
    assert (deal["amount_minor"], deal["currency"], deal["status"], deal["probability"]) == (150_050, "EUR", "won", 100)
    assert (deal["kind"], deal["forecast_category"], str(deal["expected_close_date"])) == (
        "upsell",
        "closed",
        "2026-03-31",
    )

    activities = read_messages(connector, config, "engagements").records
    assert {(a["kind"], a["subject"]) for a in activities} == {
        ("call", "Kick-off call"),
        ("email", "Welcome"),
        ("meeting", "QBR"),
        ("note", "Renewal at risk"),
        ("task", "Send deck"),
    }


def test_next_read_gets_only_changes_and_archived_objects_as_tombstones(hubspot, config, connector) -> None:
    objects = crm(hubspot)
    globex = hubspot.add("companies", {"name": "Globex"})
    first = read_messages(connector, config, "companies")
    hubspot.tick()
    hubspot.update("companies", objects["acme"]["id"], name="Acme Corp")
    hubspot.archive("companies", globex["id"])
    second = read_messages(connector, config, "companies", first.state())
    assert [c["name"] for c in second.records] == ["Acme Corp"]
    assert [t.external_id for t in second.tombstones] == [globex["id"]]
    assert second.checkpoints[-1].cursor > first.checkpoints[-1].cursor


def test_search_past_the_results_cap_restarts_from_the_newest_modified_time(hubspot, config, connector) -> None:
    companies = []
    for n in range(15):
        hubspot.tick(1)
        companies.append(hubspot.add("companies", {"name": f"Company {n:02d}"})["id"])
    read = read_messages(connector, config, "companies")
    assert set(read.ids()) == set(companies) and read.ids() == sorted(read.ids(), key=int)
    assert hubspot.controls.paths(status=400) == []
    assert len(read.ids()) - len(companies) == 2  # each new query re-reads the object it started from


def test_more_objects_at_one_instant_than_the_cap_is_a_clear_error(hubspot, config, connector) -> None:
    for n in range(8):
        hubspot.add("companies", {"name": f"Imported {n}"})
    with pytest.raises(ConnectorError, match="share the last-modified time"):
        read_messages(connector, config, "companies", StreamState(cursor=hubspot.now))


def test_engagements_resumed_from_a_checkpoint_equal_a_full_read(hubspot, config, connector) -> None:
    crm(hubspot)
    for _ in range(3):
        hubspot.tick(1)
        hubspot.add(
            "calls",
            {"hs_call_title": "Follow-up", "hs_timestamp": "2026-01-03T00:00:00Z"},
            [next(iter(hubspot.objects["companies"]))],
        )
    full = read_messages(connector, config, "engagements")
    stream = connector.stream(config, "engagements")
    before: list[str] = []
    checkpoints: list[Checkpoint] = []
    for message in connector.read(stream, config, StreamState()):  # abandoned at its third checkpoint
        if isinstance(message, Checkpoint):
            checkpoints.append(message)
            if len(checkpoints) == 3:
                break
        elif isinstance(message, dict):
            before.append(message["external_id"])
    checkpoint = checkpoints[-1]
    assert checkpoint.resume["object_type"] == "emails"  # calls done, in the middle of the stream
    rest = read_messages(connector, config, "engagements", StreamMessages(checkpoints=[checkpoint]).state())
    assert sorted(set(before) | set(rest.ids())) == sorted(full.ids())


def test_throttled_search_is_retried_after_retry_after(hubspot, config, connector) -> None:
    crm(hubspot)
    hubspot.controls.throttle("/crm/v3/objects/deals/search", retry_after=1)
    assert len(read_messages(connector, config, "deals").records) == 1
    assert hubspot.controls.paths(status=429) == ["/crm/v3/objects/deals/search"]


def test_bad_token_fails_check_with_a_clear_message_and_read_with_config_error(hubspot, connector) -> None:
    config = HubSpotConnector.parse_config({"access_token": "pat-wrong", "base_url": hubspot.base_url})
    result = connector.check(config)
    assert (
        result.ok is False
        and "HubSpot refused the access token" in result.message
        and "pat-wrong" not in result.message
    )
    with pytest.raises(ConfigError):
        read_messages(connector, config, "companies")
