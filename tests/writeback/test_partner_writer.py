"""A partner plugin adds write-back to its connector through the ``crm_writers`` hook; and a record
acctgraph wrote to a CRM comes back on the next sync as the same activity, not a second one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from acctgraph import hookimpl
from acctgraph import models as m
from acctgraph.integration.connector import (
    Checkpoint,
    CheckResult,
    Connector,
    ConnectorConfig,
    Message,
    Stream,
    StreamState,
)
from acctgraph.integration.plugins import plugin_manager
from acctgraph.integration.records import Entity
from acctgraph.integration.writeback import CrmChange
from acctgraph.integration.writeback.delivery import deliver_pending_writebacks
from acctgraph.settings import Settings
from acctgraph.testing.http import sync_connection
from tests.served_api import ServedApi
from tests.writeback.conftest import Crm
from tests.writeback.test_crm_writeback import logged_activity_id, outbox


class PartnerConfig(ConnectorConfig):
    companies: str


class PartnerCrm(Connector):
    """A partner's CRM connector: companies from its configuration; it writes nothing back itself."""

    name = "partner-crm"
    config_model = PartnerConfig

    def check(self, config: ConnectorConfig) -> CheckResult:
        return CheckResult(True, "ok")

    def streams(self, config: ConnectorConfig) -> list[Stream]:
        return [Stream("companies", Entity.ACCOUNT)]

    def read(self, stream: Stream, config: ConnectorConfig, state: StreamState) -> Iterator[Message]:
        assert isinstance(config, PartnerConfig)
        for name in config.companies.split(","):
            yield {"external_id": f"co-{name.lower()}", "name": name}
        yield Checkpoint()


class PartnerWriter:
    writes: ClassVar[frozenset[str]] = frozenset({"activity"})

    def __init__(self) -> None:
        self.received: list[CrmChange] = []

    def write(self, change: CrmChange, config: ConnectorConfig) -> str:
        self.received.append(change)
        return f"partner-activity-{len(self.received)}"


class PartnerPlugin:
    def __init__(self, writer: PartnerWriter) -> None:
        self.writer = writer

    @hookimpl
    def register_connectors(self) -> list[type[Connector]]:
        return [PartnerCrm]

    @hookimpl
    def crm_writers(self) -> dict[str, Any]:
        return {"partner-crm": self.writer}


@pytest.fixture
def partner_writer(api_settings: Settings) -> Iterator[PartnerWriter]:
    """The partner plugin registered with the process's plugin host (the app's, the domain's and delivery's)."""
    writer = PartnerWriter()
    manager = plugin_manager(api_settings)
    manager.register(PartnerPlugin(writer), name="partner_crm")
    try:
        yield writer
    finally:
        manager.unregister(name="partner_crm")


def test_a_partner_plugin_adds_write_back_to_its_connector_through_the_hook(
    partner_writer: PartnerWriter, api: ServedApi, engine: Engine, delivery_settings: Settings
) -> None:
    run = sync_connection(engine, PartnerCrm, {"companies": "Globex"})
    assert run.status == m.SyncRunStatus.SUCCEEDED, run.error
    with Session(engine) as session:
        account_id = session.scalars(select(m.Account.id).where(m.Account.name == "Globex")).one()

    logged_activity_id(api, account_id, "Call with Globex")
    report = deliver_pending_writebacks(engine, delivery_settings, limit=10)

    assert report.delivered == 1
    (change,) = partner_writer.received
    assert (change.entity, change.kind, change.subject, change.account_external_id) == (
        "activity",
        "call",
        "Call with Globex",
        "co-globex",
    )
    assert change.writeback_key.startswith("acctgraph-activity-")
    assert [(row.status, row.external_id) for row in outbox(engine)] == [
        (m.WritebackStatus.DELIVERED, "partner-activity-1")
    ]


def test_the_written_record_synced_back_updates_the_activity_instead_of_adding_one(
    crm: Crm, api: ServedApi, engine: Engine, delivery_settings: Settings
) -> None:
    logged_activity_id(api, crm.account_id, "Renewal call with Acme")
    assert deliver_pending_writebacks(engine, delivery_settings, limit=10).delivered == 1

    crm.fake.tick(600)
    run = sync_connection(engine, crm.connector, crm.values)

    assert run.status == m.SyncRunStatus.SUCCEEDED, run.error
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(m.Activity)) == 1
        assert session.scalars(select(m.Activity.subject)).one() == "Renewal call with Acme"
