"""Alerts resolve by themselves once their condition clears, with the reason, and stay in history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from acctgraph import models as m
from acctgraph.domain.alerts.evaluate import evaluate_alerts
from acctgraph.domain.alerts.settings import AlertSettings
from tests.fixtures import TODAY

NOW = datetime.now(UTC)
TOMORROW = TODAY + timedelta(days=1)


def alerts(sample, rule):  # type: ignore[no-untyped-def]
    sample.session.expire_all()
    return sample.session.scalars(select(m.Alert).where(m.Alert.rule == rule).order_by(m.Alert.id)).all()


def test_an_overdue_invoice_alert_resolves_when_the_invoice_is_paid(sample):
    account = sample.account()
    invoice = sample.invoice(account, due_date=TODAY - timedelta(days=40))
    still_overdue = sample.invoice(account, due_date=TODAY - timedelta(days=45))
    sample.session.commit()
    evaluate_alerts(sample.session, AlertSettings(), TODAY)
    invoice.status, invoice.paid_at = m.InvoiceStatus.PAID, NOW
    sample.session.commit()
    assert evaluate_alerts(sample.session, AlertSettings(), TOMORROW) == []

    paid, unpaid = alerts(sample, "invoice_overdue")
    assert (paid.subject, paid.status, paid.auto_resolved) == (f"invoice:{invoice.id}", m.AlertStatus.RESOLVED, True)
    assert paid.resolution_note == f"Resolved automatically on {TOMORROW}: the invoice was paid, voided or deleted"
    assert (unpaid.subject, unpaid.status) == (f"invoice:{still_overdue.id}", m.AlertStatus.OPEN)


def test_a_band_drop_resolves_when_the_band_recovers_and_not_before(sample):
    recovering, still_down, not_scored = sample.account(), sample.account(), sample.account()
    for account in (recovering, still_down, not_scored):
        sample.health(account, 80, m.HealthBand.GREEN, day=TODAY - timedelta(days=1))
        sample.health(account, 40, m.HealthBand.RED)
    sample.session.commit()
    evaluate_alerts(sample.session, AlertSettings(), TODAY)
    sample.health(recovering, 78, m.HealthBand.GREEN, day=TOMORROW)
    sample.health(still_down, 60, m.HealthBand.YELLOW, day=TOMORROW)  # better, but not back to green
    sample.session.commit()
    evaluate_alerts(sample.session, AlertSettings(), TOMORROW)

    statuses = {a.account_id: (a.status, a.resolution_note) for a in alerts(sample, "band_dropped")}
    assert statuses == {
        recovering.id: (m.AlertStatus.RESOLVED, f"Resolved automatically on {TOMORROW}: the health band recovered"),
        still_down.id: (m.AlertStatus.OPEN, None),
        not_scored.id: (m.AlertStatus.OPEN, None),  # no snapshot that day: cannot be judged, left open
    }


def test_a_resolved_condition_that_returns_raises_a_new_alert(sample):
    account = sample.account()
    invoice = sample.invoice(account, due_date=TODAY - timedelta(days=40))
    sample.session.commit()
    evaluate_alerts(sample.session, AlertSettings(), TODAY)
    invoice.status, invoice.paid_at = m.InvoiceStatus.PAID, NOW
    sample.session.commit()
    evaluate_alerts(sample.session, AlertSettings(), TOMORROW)
    invoice.status, invoice.paid_at = m.InvoiceStatus.OPEN, None  # the payment bounced
    sample.session.commit()
    evaluate_alerts(sample.session, AlertSettings(), TOMORROW)
    assert [a.status for a in alerts(sample, "invoice_overdue")] == [m.AlertStatus.RESOLVED, m.AlertStatus.OPEN]


def test_an_nps_detractor_alert_is_not_resolved_by_time_passing(sample):
    account = sample.account()
    sample.nps(account, 2, responded_at=NOW - timedelta(days=2))
    sample.session.commit()
    evaluate_alerts(sample.session, AlertSettings(), TODAY)
    evaluate_alerts(sample.session, AlertSettings(), TODAY + timedelta(days=60))
    assert [a.status for a in alerts(sample, "nps_detractor")] == [m.AlertStatus.OPEN]
