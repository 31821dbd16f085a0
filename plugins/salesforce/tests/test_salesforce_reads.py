"""The Salesforce connector on its own against a local org: mapping, REST paging, the Bulk API 2.0 path,
deletes, resuming, OAuth (both flows, expired sessions) and the org's API limits."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from typing import Any

import pytest
from acctgraph_salesforce.config import SalesforceConfig
from acctgraph_salesforce.testing import FakeSalesforce
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import ValidationError

from acctgraph.integration.connector import StreamState
from acctgraph.integration.errors import RateLimited
from acctgraph.integration.records import ActivityKind, ForecastCategory, OpportunityKind, OpportunityStatus
from acctgraph.testing.http import read_messages, serving


def org(salesforce: FakeSalesforce) -> dict[str, Any]:
    """An org with an owner, a parent and a child account, a contact, a won and an open opportunity, a call,
    a QBR event, and a contact related to no account."""
    owner = salesforce.add("User", Email="ada@example.com")
    parent = salesforce.add("Account", Name="Acme Group", Website="https://www.acme.example/", OwnerId=owner["Id"])
    acme = salesforce.add(
        "Account", Name="Acme", Website="acme.example", ParentId=parent["Id"], Industry="Retail", BillingCountry="DE"
    )
    grace = salesforce.add(
        "Contact", AccountId=acme["Id"], FirstName="Grace", LastName="Hopper", Email="g@acme.example"
    )
    salesforce.add("Contact", AccountId=None, LastName="Orphan")
    won = salesforce.add(
        "Opportunity",
        AccountId=acme["Id"],
        Name="Acme renewal 2026",
        StageName="Closed Won",
        Amount=120000.5,
        CloseDate="2026-03-31",
        IsClosed=True,
        IsWon=True,
        Probability=100.0,
        ForecastCategoryName="Closed",
        Type="Existing Customer - Renewal",
        OwnerId=owner["Id"],
    )
    salesforce.add(
        "Opportunity",
        AccountId=acme["Id"],
        Name="Acme upsell",
        StageName="Negotiation/Review",
        Amount=5000,
        CloseDate="2026-06-30",
        IsClosed=False,
        IsWon=False,
        Probability=60.0,
        ForecastCategoryName="Best Case",
        Type="Existing Customer - Upgrade",
    )
    call = salesforce.add(
        "Task", AccountId=acme["Id"], Subject="Call about seats", TaskSubtype="Call", ActivityDate="2026-01-02"
    )
    qbr = salesforce.add(
        "Event",
        AccountId=acme["Id"],
        Subject="Q1 QBR",
        StartDateTime="2026-01-05T14:00:00.000+0000",
        OwnerId=owner["Id"],
    )
    return {"owner": owner, "parent": parent, "acme": acme, "grace": grace, "won": won, "call": call, "qbr": qbr}


def test_records_map_to_canonical_fields(salesforce, connector, config) -> None:
    objects = org(salesforce)
    accounts = {r["name"]: r for r in read_messages(connector, config, "accounts").records}
    assert accounts["Acme"]["domain"] == "acme.example"
    assert accounts["Acme"]["parent_external_id"] == objects["parent"]["Id"]
    assert (accounts["Acme"]["industry"], accounts["Acme"]["region"]) == ("Retail", "DE")
    assert (accounts["Acme Group"]["domain"], accounts["Acme Group"]["owner_email"]) == (
        "acme.example",
        "ada@example.com",
    )

    contacts = read_messages(connector, config, "contacts")
    assert [(r["name"], r["account_external_id"]) for r in contacts.records] == [
        ("Grace Hopper", objects["acme"]["Id"])
    ]
    assert len(contacts.errors) == 1 and "belongs to no account" in contacts.errors[0].reason

    deals = {r["name"]: r for r in read_messages(connector, config, "opportunities").records}
    won = deals["Acme renewal 2026"]
    assert (won["status"], won["amount_minor"], won["currency"], won["kind"]) == (
        OpportunityStatus.WON,
        12_000_050,
        "USD",
        OpportunityKind.RENEWAL,
    )
    assert won["closed_at"] == datetime(2026, 3, 31, tzinfo=UTC) and won["owner_email"] == "ada@example.com"
    upsell = deals["Acme upsell"]
    assert (upsell["status"], upsell["probability"], upsell["forecast_category"], upsell["kind"]) == (
        OpportunityStatus.OPEN,
        60,
        ForecastCategory.BEST_CASE,
        OpportunityKind.UPSELL,
    )
    assert upsell["closed_at"] is None

    activities = {r["subject"]: r for r in read_messages(connector, config, "activities").records}
    assert activities["Call about seats"]["kind"] is ActivityKind.CALL
    assert activities["Call about seats"]["occurred_at"] == datetime(2026, 1, 2, tzinfo=UTC)
    assert activities["Q1 QBR"]["kind"] is ActivityKind.QBR
    assert activities["Q1 QBR"]["occurred_at"] == datetime(2026, 1, 5, 14, tzinfo=UTC)


def test_rest_pages_checkpoint_each_batch_and_a_resumed_read_ends_like_a_whole_one(salesforce, connector) -> None:
    salesforce.add_many("Account", 450, Name="Account {n}")
    config = SalesforceConfig.model_validate(salesforce.connector_config(page_size=200))
    whole = read_messages(connector, config, "accounts")
    assert len(whole.records) == 450 and len(whole.checkpoints) == 4  # three batches and the end
    assert salesforce.requests_to("/queryAll/") == 2  # nextRecordsUrl followed twice
    assert salesforce.requests_to("/jobs/query") == 0

    first = whole.checkpoints[0]
    resumed = read_messages(connector, config, "accounts", StreamState(cursor=first.cursor, resume=dict(first.resume)))
    assert set(whole.ids()) - set(whole.ids()[:200]) <= set(resumed.ids())
    assert resumed.state().cursor == whole.state().cursor


def test_incremental_reads_see_changes_and_deletes_as_tombstones(salesforce, connector, config) -> None:
    objects = org(salesforce)
    state = read_messages(connector, config, "contacts").state()
    assert state.cursor is not None
    salesforce.tick(3600)
    salesforce.update("Contact", objects["grace"]["Id"], Title="CTO")
    salesforce.delete("Account", objects["parent"]["Id"])
    changed = read_messages(connector, config, "contacts", StreamState(cursor=salesforce.now))
    assert [r["title"] for r in changed.records] == ["CTO"]
    deleted = read_messages(connector, config, "accounts", StreamState(cursor=salesforce.now))
    assert [t.external_id for t in deleted.tombstones] == [objects["parent"]["Id"]]
    assert deleted.records == []


def test_an_object_over_the_bulk_threshold_is_read_with_a_bulk_job_paged_by_locator(salesforce, connector) -> None:
    salesforce.add_many("Account", 25, Name="Bulk {n}")
    config = SalesforceConfig.model_validate(salesforce.connector_config(bulk_threshold=20, bulk_page_size=10))
    read = read_messages(connector, config, "accounts")
    assert sorted(read.ids()) == sorted(salesforce.records["Account"])
    assert salesforce.requests_to("/jobs/query") >= 1 + 2 + 3  # create, poll until complete, three pages
    assert len(read.checkpoints) == 3  # after pages 1 and 2 (with the locator), and the end
    assert read.checkpoints[0].resume["locator"] == "10"
    newest = max(datetime.fromisoformat(r["SystemModstamp"]) for r in salesforce.records["Account"].values())
    assert read.state().cursor == newest

    resume = dict(read.checkpoints[1].resume)
    resumed = read_messages(connector, config, "accounts", StreamState(resume=resume))
    assert len(resumed.records) == 5 and resumed.state().cursor == newest


def test_a_bulk_job_that_expired_is_queried_again(salesforce, connector) -> None:
    salesforce.add_many("Account", 25, Name="Bulk {n}")
    config = SalesforceConfig.model_validate(salesforce.connector_config(bulk_threshold=20, bulk_page_size=10))
    checkpoint = read_messages(connector, config, "accounts").checkpoints[0]
    salesforce.jobs.clear()
    resumed = read_messages(connector, config, "accounts", StreamState(resume=dict(checkpoint.resume)))
    assert len(resumed.records) == 25


def test_an_expired_session_gets_a_new_token_and_the_request_is_sent_again(salesforce, connector, config) -> None:
    salesforce.add_many("Account", 300, Name="Account {n}")
    reader = connector.read(connector.stream(config, "accounts"), config, StreamState())
    first_page = [next(reader) for _ in range(200)]
    salesforce.expire_tokens()
    rest = list(reader)
    assert len([m for m in first_page + rest if isinstance(m, dict)]) == 300
    refused = salesforce.controls.paths(status=401)
    assert len(refused) == 1 and "/queryAll/" in refused[0]  # the next batch, refused once, then sent again


def test_the_jwt_bearer_flow_signs_an_assertion_the_org_verifies(connector) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    with serving(FakeSalesforce(public_key=public_pem, jwt_username="sync@acme.example")) as org_:
        values = {**org_.connector_config(), "auth_flow": "jwt_bearer", "username": "sync@acme.example"}
        values.pop("client_secret")
        config = SalesforceConfig.model_validate({**values, "private_key": private_pem})
        assert connector.check(config).ok
        wrong = SalesforceConfig.model_validate(
            {**values, "username": "someone@else.example", "private_key": private_pem}
        )
        result = connector.check(wrong)
        assert not result.ok and "invalid client credentials" in result.message


def test_each_flow_requires_its_credentials() -> None:
    with pytest.raises(ValidationError, match="client_secret"):
        SalesforceConfig.model_validate({"client_id": "x"})
    with pytest.raises(ValidationError, match="private_key"):
        SalesforceConfig.model_validate({"client_id": "x", "auth_flow": "jwt_bearer", "username": "u"})


def test_check_reports_the_remaining_api_requests_and_refuses_a_wrong_secret(salesforce, connector, config) -> None:
    result = connector.check(config)
    assert result.ok and "API requests left today" in result.message
    wrong = SalesforceConfig.model_validate(salesforce.connector_config(client_secret="nope"))
    refused = connector.check(wrong)
    assert not refused.ok and "client_credentials" in refused.message and "nope" not in refused.message


def test_the_sync_stops_as_rate_limited_at_the_api_usage_ceiling(salesforce, connector) -> None:
    salesforce.add_many("Account", 1000, Name="Account {n}")
    salesforce.api_limit = 10
    config = SalesforceConfig.model_validate(salesforce.connector_config(api_usage_ceiling=0.5))
    messages = []
    with pytest.raises(RateLimited, match="ceiling of 50%"):
        for message in connector.read(connector.stream(config, "accounts"), config, StreamState()):
            messages.append(message)
    assert salesforce.api_used == 5  # it stopped before spending past half of the org's allowance
    assert any(not isinstance(m, dict) for m in messages)  # at least one checkpoint came before the stop


def test_request_limit_exceeded_ends_the_read_as_rate_limited(salesforce, connector) -> None:
    salesforce.add_many("Account", 10, Name="Account {n}")
    salesforce.api_used = salesforce.api_limit
    config = SalesforceConfig.model_validate(salesforce.connector_config(api_usage_ceiling=1))
    with pytest.raises(RateLimited, match="REQUEST_LIMIT_EXCEEDED"):
        list(connector.read(connector.stream(config, "accounts"), config, StreamState()))


def test_contracts_are_a_stream_only_when_asked_for(salesforce, connector) -> None:
    plain = SalesforceConfig.model_validate(salesforce.connector_config())
    assert "contracts" not in [s.name for s in connector.streams(plain)]
    with_contracts = SalesforceConfig.model_validate(salesforce.connector_config(include_contracts=True))
    acme = salesforce.add("Account", Name="Acme")
    salesforce.add(
        "Contract",
        AccountId=acme["Id"],
        ContractNumber="00000100",
        StatusCode="Activated",
        StartDate="2026-01-01",
        EndDate="2026-12-31",
        OwnerExpirationNotice="60",
    )
    [contract] = read_messages(connector, with_contracts, "contracts").records
    assert (contract["number"], contract["status"].value, contract["notice_period_days"]) == ("00000100", "active", 60)
    assert connector.streams(with_contracts)[2].name == "contracts"  # before opportunities, which name them


def test_acctgraph_plugins_list_shows_the_salesforce_connector(tmp_path) -> None:
    listing = subprocess.run(
        [sys.executable, "-m", "acctgraph", "plugins", "list", "--plugins-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "ACCTGRAPH_DATABASE_URL": f"sqlite:///{tmp_path / 'none.db'}", "COLUMNS": "200"},
    )
    assert listing.returncode == 0, listing.stderr
    line = next(line for line in listing.stdout.splitlines() if "salesforce" in line)
    assert "register_connectors" in line
