"""The local Salesforce org and HubSpot portal of the connectors' own tests, each holding one company
synced into the test database as an account, with its connection set to time out quickly on writes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from acctgraph_hubspot import HubSpotConnector
from acctgraph_hubspot.testing import ENGAGEMENT_TYPES, FakeHubSpot
from acctgraph_salesforce import SalesforceConnector
from acctgraph_salesforce.testing import FakeSalesforce
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from acctgraph import models as m
from acctgraph.integration.connector import Connector
from acctgraph.settings import Settings
from acctgraph.testing.http import TEST_SECRET_KEY, serving, sync_connection

WRITE_TIMEOUT = 0.5


@dataclass
class Crm:
    """A CRM stand-in with the account acctgraph synced from it."""

    name: str
    fake: Any
    connector: type[Connector]
    values: dict[str, Any]
    company_id: str
    account_id: int
    written: Callable[[], list[dict[str, Any]]]
    """The records acctgraph wrote into it (those carrying acctgraph's key), each as the stand-in holds it."""


def _salesforce(fake: FakeSalesforce) -> tuple[dict[str, Any], str, Callable[[], list[dict[str, Any]]]]:
    company = fake.add("Account", Name="Acme", Website="https://acme.example")
    values = fake.connector_config(write_timeout_seconds=WRITE_TIMEOUT)
    return values, company["Id"], lambda: fake.written("Task") + fake.written("Event")


def _hubspot(fake: FakeHubSpot) -> tuple[dict[str, Any], str, Callable[[], list[dict[str, Any]]]]:
    company = fake.add("companies", {"name": "Acme", "domain": "acme.example"})
    values = {**fake.connector_config(), "write_timeout_seconds": WRITE_TIMEOUT}
    return values, company["id"], lambda: [r for kind in ENGAGEMENT_TYPES for r in fake.written(kind)]


@pytest.fixture(params=["salesforce", "hubspot"])
def crm(request: pytest.FixtureRequest, db_url: str, engine: Engine) -> Iterator[Crm]:
    fake, connector, seed = {
        "salesforce": (FakeSalesforce(), SalesforceConnector, _salesforce),
        "hubspot": (FakeHubSpot(), HubSpotConnector, _hubspot),
    }[request.param]
    with serving(fake):
        values, company_id, written = seed(fake)
        run = sync_connection(engine, connector, values)
        assert run.status == m.SyncRunStatus.SUCCEEDED, run.error
        with Session(engine) as session:
            account_id = session.scalars(
                select(m.ExternalRef.internal_id).where(
                    m.ExternalRef.object_type == "account", m.ExternalRef.external_id == company_id
                )
            ).one()
        yield Crm(request.param, fake, connector, values, company_id, account_id, written)


@pytest.fixture
def delivery_settings(api_settings: Settings) -> Settings:
    """The settings a delivery runs with: the key the test connections' secrets are sealed with."""
    return api_settings.model_copy(update={"secret_key": TEST_SECRET_KEY})
