"""The outbox and outgoing webhooks end to end: real database, a real HTTP receiver, real signatures."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import func, select
from standardwebhooks import Webhook

from acctgraph import models as m
from acctgraph.domain.actors import Actor
from acctgraph.domain.tasks.commands import CompleteTask, CreateTask, complete_task, create_task
from acctgraph.hookspecs import hookimpl
from acctgraph.integration.plugins import create_plugin_manager
from acctgraph.models.base import utcnow
from acctgraph.notifications.endpoints import (
    CreateWebhookEndpoint,
    RedeliverWebhook,
    UpdateWebhookEndpoint,
    create_webhook_endpoint,
    redeliver_webhook,
    update_webhook_endpoint,
)
from acctgraph.notifications.outbox import process_outbox, prune_events
from tests.fixtures import TODAY


def subscribe(session, receiver, *types: str, path: str = "/hooks") -> m.WebhookEndpoint:  # type: ignore[no-untyped-def]
    endpoint = create_webhook_endpoint(
        session, None, CreateWebhookEndpoint(url=f"{receiver.url}{path}", event_types=list(types))
    )
    session.commit()
    return endpoint


def new_task(sample) -> m.Task:  # type: ignore[no-untyped-def]
    owner = sample.user()
    account = sample.account(owner_id=owner.id)
    actor = Actor(user_id=owner.id, role=owner.role)
    task = create_task(sample.session, actor, CreateTask(account_id=account.id, title="Call", due_on=TODAY), TODAY)
    sample.session.commit()
    return task


def verified(endpoint: m.WebhookEndpoint, received) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """The payload, if the signature verifies with the endpoint's key (the standardwebhooks package)."""
    return Webhook(endpoint.signing_key).verify(received.body, received.headers)


def test_each_event_reaches_the_receiver_once_with_a_valid_signature(sample, engine, receiver, outbox_settings):
    endpoint = subscribe(sample.session, receiver)
    task = new_task(sample)
    owner = sample.session.get(m.User, task.owner_id)
    complete_task(
        sample.session, Actor(owner.id, owner.role), CompleteTask(id=task.id, version=task.version, outcome="done")
    )
    sample.session.commit()

    first = process_outbox(engine, outbox_settings, None)
    again = process_outbox(engine, outbox_settings, None)

    assert first.events == 2
    assert first.delivery.delivered == 2
    assert again.events == 0
    assert again.delivery.attempts == 0
    bodies = [verified(endpoint, item) for item in receiver.received]
    assert [body["type"] for body in bodies] == ["task.created", "task.completed"]
    assert [body["data"]["task_id"] for body in bodies] == [task.id, task.id]
    assert bodies[1]["data"]["outcome"] == "done"
    ids = [item.headers["webhook-id"] for item in receiver.received]
    assert len(set(ids)) == 2
    stored = sample.session.scalars(select(m.Event.uid).order_by(m.Event.id)).all()
    assert ids == list(stored)


def test_a_signature_made_with_another_key_is_refused_by_the_verifier(sample, engine, receiver, outbox_settings):
    subscribe(sample.session, receiver)
    new_task(sample)
    process_outbox(engine, outbox_settings, None)
    other = create_webhook_endpoint(sample.session, None, CreateWebhookEndpoint(url=f"{receiver.url}/other"))
    with pytest.raises(Exception, match="signature"):
        verified(other, receiver.received[0])


def test_a_rolled_back_change_sends_nothing(sample, engine, receiver, outbox_settings):
    subscribe(sample.session, receiver)
    owner = sample.user()
    account = sample.account(owner_id=owner.id)
    sample.session.commit()
    create_task(
        sample.session, Actor(owner.id, owner.role), CreateTask(account_id=account.id, title="x", due_on=TODAY), TODAY
    )
    assert sample.session.scalar(select(func.count()).select_from(m.Event)) == 1  # in the open transaction
    sample.session.rollback()

    outcome = process_outbox(engine, outbox_settings, None)

    assert outcome.events == 0
    assert sample.session.scalar(select(func.count()).select_from(m.Event)) == 0
    assert receiver.received == []


def test_endpoints_get_only_the_event_types_they_subscribed(sample, engine, receiver, outbox_settings):
    subscribe(sample.session, receiver, "task.completed", path="/completed")
    subscribe(sample.session, receiver, path="/all")
    new_task(sample)
    process_outbox(engine, outbox_settings, None)
    assert len(receiver.on("/all")) == 1
    assert receiver.on("/completed") == []


def test_a_500_is_retried_after_the_backoff_with_the_same_webhook_id(sample, engine, receiver, outbox_settings):
    # A wait long enough that the pass right after the failure comes before it, even on a busy machine.
    outbox_settings = outbox_settings.model_copy(update={"webhook_retry_seconds": 2.0})
    endpoint = subscribe(sample.session, receiver)
    receiver.statuses = [500]
    new_task(sample)

    failures_before = REGISTRY.get_sample_value("acctgraph_webhook_failures_total", {"endpoint": str(endpoint.id)})
    first = process_outbox(engine, outbox_settings, None)
    delivery = sample.session.scalars(select(m.WebhookDelivery)).one()
    failures = REGISTRY.get_sample_value("acctgraph_webhook_failures_total", {"endpoint": str(endpoint.id)})
    assert failures == (failures_before or 0) + 1
    assert (first.delivery.failed_attempts, delivery.status, delivery.attempts) == (1, m.DeliveryStatus.PENDING, 1)
    assert delivery.response_code == 500
    assert delivery.error.startswith("HTTP 500")
    wait = delivery.next_attempt_at - delivery.last_attempt_at
    assert wait == timedelta(seconds=outbox_settings.webhook_retry_seconds)

    assert process_outbox(engine, outbox_settings, None).delivery.attempts == 0  # not due yet
    time.sleep(outbox_settings.webhook_retry_seconds + 0.1)
    second = process_outbox(engine, outbox_settings, None)

    sample.session.expire_all()
    delivery = sample.session.get(m.WebhookDelivery, delivery.id)
    assert second.delivery.delivered == 1
    assert (delivery.status, delivery.attempts, delivery.response_code) == (m.DeliveryStatus.DELIVERED, 2, 200)
    assert [item.headers["webhook-id"] for item in receiver.received] == [
        receiver.received[0].headers["webhook-id"]
    ] * 2
    assert verified(endpoint, receiver.received[1])["type"] == "task.created"


def test_backoff_doubles_after_each_failed_attempt(sample, engine, receiver, outbox_settings):
    settings = outbox_settings.model_copy(update={"webhook_disable_after_failures": 100, "webhook_retry_seconds": 0.1})
    subscribe(sample.session, receiver)
    receiver.statuses = [500] * 3
    new_task(sample)
    waits = []
    for _ in range(3):
        process_outbox(engine, settings, None)
        sample.session.expire_all()
        delivery = sample.session.scalars(select(m.WebhookDelivery)).one()
        waits.append((delivery.next_attempt_at - delivery.last_attempt_at).total_seconds())
        time.sleep(waits[-1] + 0.05)
    assert waits == [settings.webhook_retry_seconds * 2**n for n in range(3)]


def test_a_failing_endpoint_ends_disabled_with_the_reason(sample, engine, receiver, outbox_settings):
    endpoint = subscribe(sample.session, receiver)
    receiver.statuses = [503] * 100
    new_task(sample)
    new_task(sample)
    for _ in range(20):
        outcome = process_outbox(engine, outbox_settings, None)
        if outcome.delivery.disabled_endpoints:
            break
        time.sleep(0.25)
    sample.session.expire_all()
    endpoint = sample.session.get(m.WebhookEndpoint, endpoint.id)

    assert endpoint.active is False
    assert "3 failed attempts in a row" in endpoint.disabled_reason
    assert "HTTP 503" in endpoint.disabled_reason
    assert len(receiver.received) == outbox_settings.webhook_disable_after_failures
    time.sleep(1)
    assert process_outbox(engine, outbox_settings, None).delivery.attempts == 0  # disabled: nothing sent


def test_re_enabling_clears_the_failures_and_sends_what_waited(sample, engine, receiver, outbox_settings):
    endpoint = subscribe(sample.session, receiver)
    receiver.statuses = [500] * 3
    new_task(sample)
    for _ in range(10):
        if process_outbox(engine, outbox_settings, None).delivery.disabled_endpoints:
            break
        time.sleep(0.25)
    sample.session.expire_all()
    endpoint = sample.session.get(m.WebhookEndpoint, endpoint.id)
    update_webhook_endpoint(
        sample.session, None, UpdateWebhookEndpoint(id=endpoint.id, version=endpoint.version, active=True)
    )
    sample.session.commit()
    assert (endpoint.consecutive_failures, endpoint.disabled_reason) == (0, None)
    time.sleep(1)

    assert process_outbox(engine, outbox_settings, None).delivery.delivered == 1


def test_redelivery_by_hand_sends_the_same_event_again(sample, engine, receiver, outbox_settings):
    subscribe(sample.session, receiver)
    new_task(sample)
    process_outbox(engine, outbox_settings, None)
    delivery = sample.session.scalars(select(m.WebhookDelivery)).one()
    redeliver_webhook(sample.session, None, RedeliverWebhook(delivery_id=delivery.id))
    sample.session.commit()

    assert process_outbox(engine, outbox_settings, None).delivery.delivered == 1
    assert len(receiver.received) == 2
    assert receiver.received[0].body == receiver.received[1].body
    assert receiver.received[0].headers["webhook-id"] == receiver.received[1].headers["webhook-id"]


def test_a_plugin_receives_each_event_published(sample, engine, receiver, outbox_settings):
    seen = []

    class Recorder:
        @hookimpl
        def event_published(self, event):  # type: ignore[no-untyped-def]
            seen.append(event)

    manager = create_plugin_manager(load_entry_points=False)
    manager.register(Recorder())
    task = new_task(sample)

    process_outbox(engine, outbox_settings, manager)
    process_outbox(engine, outbox_settings, manager)

    assert [(event.type, event.payload["task_id"]) for event in seen] == [("task.created", task.id)]
    assert seen[0].id == sample.session.scalars(select(m.Event.uid)).one()


def test_the_body_is_the_event_as_json(sample, engine, receiver, outbox_settings):
    subscribe(sample.session, receiver)
    task = new_task(sample)
    process_outbox(engine, outbox_settings, None)
    body = json.loads(receiver.received[0].body)
    event = sample.session.scalars(select(m.Event)).one()
    assert body == {"type": "task.created", "timestamp": event.occurred_at.isoformat(), "data": event.payload}
    assert body["data"]["account_id"] == task.account_id


def test_two_passes_at_once_send_each_event_once(sample, engine, receiver, outbox_settings):
    subscribe(sample.session, receiver)
    tasks = [new_task(sample) for _ in range(12)]
    passes = [threading.Thread(target=process_outbox, args=(engine, outbox_settings, None)) for _ in range(2)]
    for thread in passes:
        thread.start()
    for thread in passes:
        thread.join()
    process_outbox(engine, outbox_settings, None)  # whatever one pass left for later

    ids = [item.headers["webhook-id"] for item in receiver.received]
    assert len(ids) == len(set(ids)) == len(tasks)
    assert sample.session.scalar(select(func.count()).select_from(m.WebhookDelivery)) == len(tasks)


def test_doctor_reports_a_disabled_endpoint_and_a_stale_outbox(sample, engine):
    from acctgraph.observability.doctor import diagnose

    sample.user(role=m.Role.ADMIN)
    endpoint = sample.webhook_endpoint(active=False, disabled_reason="disabled after 40 failed attempts in a row")
    sample.event(occurred_at=utcnow() - timedelta(minutes=30))
    sample.session.commit()

    found = {finding.check: finding for finding in diagnose(engine)}

    assert found[f"webhook endpoint {endpoint.id}"].status == "problem"
    assert f"acctgraph webhooks update {endpoint.id} --enable" in found[f"webhook endpoint {endpoint.id}"].message
    assert found["outbox"].status == "problem"
    assert "1 event(s) waiting, the oldest for 30 min" in found["outbox"].message


def test_old_settled_events_are_pruned_and_the_rest_kept(sample, engine, outbox_settings):
    old = utcnow() - timedelta(days=outbox_settings.events_retention_days + 1)
    settled = sample.webhook_delivery(status=m.DeliveryStatus.DELIVERED)
    still_pending = sample.webhook_delivery(status=m.DeliveryStatus.PENDING)
    for event_id in (settled.event_id, still_pending.event_id):
        sample.session.get(m.Event, event_id).dispatched_at = old
    recent = sample.event(dispatched_at=utcnow())
    undispatched = sample.event(occurred_at=old)
    sample.session.commit()
    settled_id, expected = settled.id, {still_pending.event_id, recent.id, undispatched.id}

    assert prune_events(engine, outbox_settings) == 1

    sample.session.expire_all()
    assert set(sample.session.scalars(select(m.Event.id))) == expected
    assert sample.session.scalars(select(m.WebhookDelivery.id).where(m.WebhookDelivery.id == settled_id)).all() == []
