"""Owners hear of their alerts, and get a daily digest, on Slack (a local stand-in) and by e-mail (aiosmtpd)."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select

from acctgraph import models as m
from acctgraph.domain.actors import Actor
from acctgraph.domain.alerts.evaluate import evaluate_alerts
from acctgraph.domain.alerts.settings import AlertSettings
from acctgraph.domain.rules import BusinessRuleError
from acctgraph.notifications.digest import book_digest, send_daily_digests
from acctgraph.notifications.outbox import process_outbox
from acctgraph.notifications.preferences import UpdateNotificationSettings, update_notification_settings
from tests.fixtures import TODAY


def notify(session, user: m.User, **values) -> None:  # type: ignore[no-untyped-def]
    update_notification_settings(session, Actor(user.id, user.role), UpdateNotificationSettings(**values))
    session.commit()


def raise_band_drop(sample, owner: m.User) -> m.Account:  # type: ignore[no-untyped-def]
    account = sample.account(owner_id=owner.id, name="Globex")
    sample.health(account, 80, m.HealthBand.GREEN, day=TODAY - timedelta(days=3))
    sample.health(account, 50, m.HealthBand.YELLOW)
    sample.session.commit()
    evaluate_alerts(sample.session, AlertSettings(), TODAY)
    return account


def test_a_raised_alert_reaches_its_owner_on_slack_and_by_email(sample, engine, receiver, smtp_server, outbox_settings):
    mail, port = smtp_server
    settings = outbox_settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port})
    owner = sample.user(email="ana@example.com")
    bystander = sample.user(email="bo@example.com")
    notify(sample.session, owner, slack_enabled=True, slack_webhook_url=f"{receiver.url}/slack/ana", email_enabled=True)
    notify(sample.session, bystander, slack_enabled=True, slack_webhook_url=f"{receiver.url}/slack/bo")
    raise_band_drop(sample, owner)

    outcome = process_outbox(engine, settings, None)

    assert outcome.notifications_sent == 2
    [slack] = receiver.on("/slack/ana")
    message = json.loads(slack.body)
    assert "Globex" in message["text"]
    assert message["blocks"][0]["type"] == "header"
    assert "Globex" in message["blocks"][0]["text"]["text"]
    assert receiver.on("/slack/bo") == []
    assert mail.recipients == [["ana@example.com"]]
    assert "Globex" in mail.messages[0]["Subject"]
    alert = sample.session.scalars(select(m.Alert)).one()
    event = sample.session.scalars(select(m.Event).where(m.Event.type == "alert.raised")).one()
    assert (event.payload["alert_id"], event.payload["owner_id"]) == (alert.id, owner.id)
    assert event.payload["account_name"] == "Globex"


def test_an_owner_who_turned_alerts_off_hears_nothing(sample, engine, receiver, outbox_settings):
    owner = sample.user()
    notify(sample.session, owner, slack_enabled=True, slack_webhook_url=f"{receiver.url}/slack", alerts_enabled=False)
    raise_band_drop(sample, owner)
    assert process_outbox(engine, outbox_settings, None).notifications_sent == 0
    assert receiver.received == []


def test_a_slack_error_is_reported_and_does_not_stop_email(sample, engine, receiver, smtp_server, outbox_settings):
    mail, port = smtp_server
    settings = outbox_settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port})
    owner = sample.user()
    notify(sample.session, owner, slack_enabled=True, slack_webhook_url=f"{receiver.url}/slack", email_enabled=True)
    receiver.statuses = [404]
    raise_band_drop(sample, owner)

    outcome = process_outbox(engine, settings, None)

    assert outcome.notifications_sent == 1
    assert outcome.notification_errors == ["Slack answered HTTP 404: receiver is down"]
    assert len(mail.messages) == 1


def test_slack_needs_a_webhook_url(sample):
    owner = sample.user()
    with pytest.raises(BusinessRuleError) as refused:
        notify(sample.session, owner, slack_enabled=True)
    assert (refused.value.code, refused.value.field) == ("REQUIRED", "slackWebhookUrl")


def test_the_daily_digest_counts_the_owners_book(sample, receiver, smtp_server, outbox_settings):
    mail, port = smtp_server
    settings = outbox_settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port})
    owner = sample.user(email="ana@example.com")
    other = sample.user()
    mine = [sample.account(owner_id=owner.id) for _ in range(3)]
    sample.account(owner_id=other.id)
    sample.alert(mine[0], owner_id=owner.id, title="Invoice overdue")
    sample.alert(mine[1], owner_id=owner.id, status=m.AlertStatus.RESOLVED, title="Old")
    sample.task(mine[0], owner_id=owner.id, title="Call", due_on=TODAY)
    sample.task(mine[1], owner_id=owner.id, title="Later", due_on=TODAY + timedelta(days=3))
    sample.opportunity(
        mine[2], owner_id=owner.id, kind=m.OpportunityKind.RENEWAL, expected_close_date=TODAY + timedelta(days=10)
    )
    notify(
        sample.session,
        owner,
        email_enabled=True,
        slack_enabled=True,
        slack_webhook_url=f"{receiver.url}/slack",
        digest_enabled=True,
    )
    notify(sample.session, other, email_enabled=True)  # digest off

    with httpx.Client() as client:
        sent = send_daily_digests(sample.session, settings, client, TODAY)

    digest = book_digest(sample.session, owner.id, TODAY)
    session = sample.session
    expected_alerts = session.scalar(
        select(func.count()).where(m.Alert.owner_id == owner.id, m.Alert.status != m.AlertStatus.RESOLVED)
    )
    assert (digest.accounts, digest.open_alerts, digest.tasks_due, digest.renewals_due) == (3, expected_alerts, 1, 1)
    assert digest.alert_titles == ["Invoice overdue"]
    assert digest.task_titles == ["Call"]
    assert sent.notifications_sent == 2
    assert mail.recipients == [["ana@example.com"]]
    body = mail.messages[0].get_payload()
    assert "Accounts in your book: 3" in body
    assert "Task: Call" in body
    slack = json.loads(receiver.on("/slack")[0].body)
    assert "Open alerts: 1" in slack["text"]
