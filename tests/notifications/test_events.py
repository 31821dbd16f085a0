"""Each domain change writes its event in its own transaction (the outbox), with the facts receivers need."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from acctgraph import models as m
from acctgraph.domain.accounts import TransferAccounts, apply_due_transfers, transfer_accounts
from acctgraph.domain.actors import Actor
from acctgraph.domain.alerts.lifecycle import ResolveAlert, resolve_alert
from acctgraph.domain.events import EVENT_TYPES
from acctgraph.domain.health.compute import compute_health
from acctgraph.domain.health.measures import HealthMeasure
from acctgraph.domain.health.scorecard import DEFAULT_CONFIG_FILE, load_health_config
from acctgraph.domain.health.service import measure_catalogue
from acctgraph.domain.revenue.renewals import create_renewal_opportunities
from acctgraph.integration.plugins import create_plugin_manager
from tests.fixtures import TODAY
from tests.integration.test_engine_behaviour import Scripted, connect
from tests.integration.test_engine_behaviour import sync as scripted_sync


def events(session, type_: str) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    session.expire_all()
    return [
        event.payload for event in session.scalars(select(m.Event).where(m.Event.type == type_).order_by(m.Event.id))
    ]


def test_the_event_types_are_the_documented_ones() -> None:
    documented = (Path(__file__).parents[2] / "docs" / "webhooks.md").read_text()
    assert all(f"`{type_}`" in documented for type_ in EVENT_TYPES)
    assert len(EVENT_TYPES) == 9


def test_resolving_an_alert_publishes_alert_resolved(sample):
    owner = sample.user()
    alert = sample.alert(sample.account(owner_id=owner.id), owner_id=owner.id)
    sample.session.commit()
    resolve_alert(sample.session, Actor(owner.id, owner.role), ResolveAlert(id=alert.id, note="called"))
    sample.session.commit()
    [payload] = events(sample.session, "alert.resolved")
    assert (payload["alert_id"], payload["owner_id"], payload["resolution_note"]) == (alert.id, owner.id, "called")
    assert payload["auto_resolved"] is False


def test_a_transfer_publishes_account_transferred_when_it_applies(sample):
    admin = sample.user(role=m.Role.ADMIN)
    before, after = sample.user(), sample.user()
    now_account = sample.account(owner_id=before.id)
    later_account = sample.account(owner_id=before.id)
    sample.session.commit()
    actor = Actor(admin.id, admin.role)
    transfer_accounts(
        sample.session,
        actor,
        TransferAccounts(account_ids=[now_account.id], to_owner_id=after.id, effective_on=TODAY, reason="rebalance"),
        TODAY,
    )
    later = TODAY + timedelta(days=5)
    transfer_accounts(
        sample.session,
        actor,
        TransferAccounts(account_ids=[later_account.id], to_owner_id=after.id, effective_on=later, reason="rebalance"),
        TODAY,
    )
    sample.session.commit()
    assert [p["account_id"] for p in events(sample.session, "account.transferred")] == [now_account.id]

    apply_due_transfers(sample.session, later)
    sample.session.commit()
    payloads = events(sample.session, "account.transferred")
    assert [(p["account_id"], p["from_owner_id"], p["to_owner_id"]) for p in payloads] == [
        (now_account.id, before.id, after.id),
        (later_account.id, before.id, after.id),
    ]
    assert payloads[1]["effective_on"] == later.isoformat()


def test_opening_renewals_publishes_renewal_created_once_per_renewal(sample):
    owner = sample.user()
    account = sample.account(owner_id=owner.id)
    contract = sample.contract(account, mrr_minor=1000_00, end_date=TODAY + timedelta(days=30))
    sample.session.commit()
    create_renewal_opportunities(sample.session, TODAY, 120)
    create_renewal_opportunities(sample.session, TODAY, 120)  # nothing new: nothing published
    sample.session.commit()
    [payload] = events(sample.session, "renewal.created")
    renewal = sample.session.scalars(select(m.Opportunity).where(m.Opportunity.contract_id == contract.id)).one()
    assert (payload["opportunity_id"], payload["contract_id"], payload["owner_id"]) == (
        renewal.id,
        contract.id,
        owner.id,
    )
    assert payload["amount_minor"] == renewal.amount_minor


def test_a_sync_publishes_finished_then_failed(engine, db_url, session):
    connect(engine, "transient")
    Scripted.transient_failures_left = 0
    finished = scripted_sync(engine, streams=["companies"])
    Scripted.transient_failures_left = 5
    failed = scripted_sync(engine, streams=["companies"], transient_retries=1)

    [done] = events(session, "sync.finished")
    [broken] = events(session, "sync.failed")
    assert (done["sync_run_id"], done["status"]) == (finished.id, "succeeded")
    assert (broken["sync_run_id"], broken["status"], broken["error"]) == (failed.id, "failed", "connection reset")


def test_todays_health_run_publishes_band_changes_only(sample):
    catalogue: dict[str, HealthMeasure] = measure_catalogue(create_plugin_manager(load_entry_points=False))
    config = load_health_config(DEFAULT_CONFIG_FILE, catalogue)
    changing, steady, new = (sample.account() for _ in range(3))  # ``new`` has no earlier snapshot
    for account in (changing, steady, new):
        sample.contract(account, mrr_minor=1000_00)
        sample.nps(account, 9)
    sample.session.commit()
    compute_health(sample.session, config, catalogue, TODAY)
    computed = {
        row.account_id: row.band
        for row in sample.session.scalars(select(m.HealthSnapshot).where(m.HealthSnapshot.day == TODAY))
    }
    # Yesterday's band: the opposite of today's for one account, the same for the other.
    flipped = m.HealthBand.RED if computed[changing.id] != m.HealthBand.RED else m.HealthBand.GREEN
    sample.health(changing, 10 if flipped is m.HealthBand.RED else 90, flipped, day=TODAY - timedelta(days=1))
    sample.health(steady, 50, computed[steady.id], day=TODAY - timedelta(days=1))
    sample.session.execute(m.HealthSnapshot.__table__.delete().where(m.HealthSnapshot.day == TODAY))
    sample.session.execute(m.HealthMeasureScore.__table__.delete())
    sample.session.execute(m.Event.__table__.delete())
    sample.session.commit()

    compute_health(sample.session, config, catalogue, TODAY)
    compute_health(sample.session, config, catalogue, TODAY)  # a re-run of the day announces nothing new
    compute_health(sample.session, config, catalogue, TODAY - timedelta(days=1))  # a past day: history

    payloads = events(sample.session, "health.band_changed")
    assert [(p["account_id"], p["from_band"], p["to_band"]) for p in payloads] == [
        (changing.id, flipped.value, computed[changing.id].value)
    ]
    assert new.id not in {p["account_id"] for p in payloads}
