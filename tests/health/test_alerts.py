"""Each alert rule, its deduplication while unresolved, the alert lifecycle and the plugin hook."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from acctgraph import models as m
from acctgraph.domain.alerts.evaluate import evaluate_alerts
from acctgraph.domain.alerts.lifecycle import AcknowledgeAlert, ResolveAlert, acknowledge_alert, resolve_alert
from acctgraph.domain.alerts.settings import AlertSettings
from acctgraph.domain.rules import BusinessRuleError
from tests.fixtures import TODAY
from tests.health.conftest import AlertRecorder

NOW = datetime.now(UTC)
SETTINGS = AlertSettings()


def evaluate(sample, **settings):  # type: ignore[no-untyped-def]
    sample.session.commit()
    return evaluate_alerts(sample.session, SETTINGS.model_copy(update=settings), TODAY)


def raised(notices, rule):  # type: ignore[no-untyped-def]
    return [(n.account_id, n.subject) for n in notices if n.rule == rule]


def test_band_dropped_is_raised_once_while_unresolved_and_again_after_resolving(sample):
    owner = sample.user()
    dropped = sample.account(owner_id=owner.id)
    improved = sample.account()
    sample.health(dropped, 80, m.HealthBand.GREEN, day=TODAY - timedelta(days=3))
    sample.health(dropped, 50, m.HealthBand.YELLOW)
    sample.health(improved, 30, m.HealthBand.RED, day=TODAY - timedelta(days=1))
    sample.health(improved, 50, m.HealthBand.YELLOW)
    first = evaluate(sample)
    assert raised(first, "band_dropped") == [(dropped.id, "green->yellow")]
    notice = next(n for n in first if n.rule == "band_dropped")
    assert notice.owner_id == owner.id
    assert notice.evidence == {
        "previousBand": "green",
        "previousDay": (TODAY - timedelta(days=3)).isoformat(),
        "previousScore": 80,
        "band": "yellow",
        "score": 50,
    }
    assert raised(evaluate(sample), "band_dropped") == []
    acknowledge_alert(sample.session, None, AcknowledgeAlert(id=notice.id))
    assert raised(evaluate(sample), "band_dropped") == []  # acknowledged still counts as open
    resolve_alert(sample.session, None, ResolveAlert(id=notice.id, note="called them"))
    assert raised(evaluate(sample), "band_dropped") == [(dropped.id, "green->yellow")]


def test_score_fell_compares_with_the_score_30_days_ago(sample):
    fell = sample.account()
    dipped = sample.account()
    sample.health(fell, 80, m.HealthBand.GREEN, day=TODAY - timedelta(days=30))
    sample.health(fell, 64, m.HealthBand.YELLOW)
    sample.health(dipped, 74, m.HealthBand.GREEN, day=TODAY - timedelta(days=32))
    sample.health(dipped, 60, m.HealthBand.YELLOW)
    # fell 80 - 64 = 16 >= 15; dipped 74 - 60 = 14 < 15
    notices = evaluate(sample)
    assert raised(notices, "score_fell") == [(fell.id, "")]
    assert raised(evaluate(sample), "score_fell") == []
    assert raised(evaluate(sample, score_drop_points=14), "score_fell") == [(dipped.id, "")]


def test_renewal_within_90_days_while_red(sample):
    red = sample.account()
    soon = sample.contract(red, end_date=TODAY + timedelta(days=60))
    sample.contract(red, end_date=TODAY + timedelta(days=120))
    green = sample.account()
    sample.contract(green, end_date=TODAY + timedelta(days=10))
    sample.health(red, 20, m.HealthBand.RED)
    sample.health(green, 90, m.HealthBand.GREEN)
    assert raised(evaluate(sample), "renewal_while_red") == [(red.id, f"contract:{soon.id}")]
    assert raised(evaluate(sample), "renewal_while_red") == []


def test_champion_gone_inactive(sample):
    account = sample.account()
    gone = sample.contact(account, buying_role=m.BuyingRole.CHAMPION, active=False)
    sample.contact(account, buying_role=m.BuyingRole.CHAMPION)
    sample.contact(account, buying_role=m.BuyingRole.END_USER, active=False)
    notices = evaluate(sample)
    assert raised(notices, "champion_inactive") == [(account.id, f"contact:{gone.id}")]
    assert raised(evaluate(sample), "champion_inactive") == []


def test_nps_detractor_response_in_the_last_30_days(sample):
    account = sample.account()
    detractor = sample.nps(account, 5, comment="too slow")
    sample.nps(account, 9)
    sample.nps(account, 2, responded_at=NOW - timedelta(days=60))
    notices = evaluate(sample)
    assert raised(notices, "nps_detractor") == [(account.id, f"nps:{detractor.id}")]
    assert next(n for n in notices if n.rule == "nps_detractor").evidence["comment"] == "too slow"
    assert raised(evaluate(sample), "nps_detractor") == []


def test_invoice_overdue_beyond_30_days(sample):
    account = sample.account()
    late = sample.invoice(account, due_date=TODAY - timedelta(days=45))
    sample.invoice(account, due_date=TODAY - timedelta(days=10))
    sample.invoice(account, due_date=TODAY - timedelta(days=90), status=m.InvoiceStatus.PAID, paid_at=NOW)
    assert raised(evaluate(sample), "invoice_overdue") == [(account.id, f"invoice:{late.id}")]
    assert raised(evaluate(sample), "invoice_overdue") == []
    assert len(raised(evaluate(sample, invoice_overdue_days=5), "invoice_overdue")) == 1


def test_stale_sentiment_reminds_the_owner(sample):
    account = sample.account()
    fresh = sample.account()
    stale = sample.sentiment(
        account, m.Sentiment.POSITIVE, recorded_on=TODAY - timedelta(days=40), valid_until=TODAY - timedelta(days=1)
    )
    sample.sentiment(fresh, m.Sentiment.POSITIVE)
    assert raised(evaluate(sample), "sentiment_stale") == [(account.id, f"sentiment:{stale.id}")]


def test_churned_accounts_raise_nothing(sample):
    account = sample.account(lifecycle_stage=m.LifecycleStage.CHURNED)
    sample.invoice(account, due_date=TODAY - timedelta(days=45))
    assert evaluate(sample) == []


def test_alerts_are_stored_then_handed_to_plugins(sample):
    account = sample.account()
    sample.invoice(account, due_date=TODAY - timedelta(days=45))
    recorder = AlertRecorder()
    sample.session.commit()
    notices = evaluate_alerts(sample.session, SETTINGS, TODAY, recorder.plugin_manager)
    assert recorder.received == notices and len(notices) == 1
    stored = sample.session.scalars(select(m.Alert)).one()
    assert (stored.id, stored.status, stored.rule) == (notices[0].id, m.AlertStatus.OPEN, "invoice_overdue")


def test_lifecycle_errors_say_what_is_wrong(sample):
    account = sample.account()
    sample.invoice(account, due_date=TODAY - timedelta(days=45))
    notice = evaluate(sample)[0]
    resolve_alert(sample.session, None, ResolveAlert(id=notice.id))
    cases = [
        (
            lambda: resolve_alert(sample.session, None, ResolveAlert(id=notice.id)),
            "ILLEGAL_TRANSITION",
            "already resolved",
        ),
        (
            lambda: acknowledge_alert(sample.session, None, AcknowledgeAlert(id=notice.id)),
            "ILLEGAL_TRANSITION",
            "only an open alert can be acknowledged",
        ),
        (lambda: resolve_alert(sample.session, None, ResolveAlert(id=999999)), "NOT_FOUND", "no Alert with this id"),
    ]
    for change, code, message in cases:
        with pytest.raises(BusinessRuleError) as error:
            change()
        assert (error.value.code, error.value.field) == (code, "id") and message in error.value.message
