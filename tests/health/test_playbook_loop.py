"""The closed loop, end to end: a health drop raises an alert, the alert starts a playbook, its tasks
appear in the owner's to-do list, the owner completes one, the health recovers, the alert resolves
itself and the run's remaining task closes with it; a webhook subscriber hears each step, signed."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select
from standardwebhooks import Webhook

from acctgraph import models as m
from acctgraph.domain.alerts.evaluate import evaluate_alerts
from acctgraph.domain.health.compute import compute_health
from acctgraph.domain.tasks.playbook_config import load_playbooks
from acctgraph.domain.tasks.playbooks import ALERT_RESOLVED_OUTCOME, run_playbooks
from acctgraph.notifications.endpoints import CreateWebhookEndpoint, create_webhook_endpoint
from acctgraph.notifications.outbox import process_outbox
from acctgraph.settings import Settings
from tests.api.mutation_cases import mutate
from tests.fixtures import TODAY

TO_DO = "{ me { tasks { nodes { id version title origin alert { rule } playbookRun { playbook trigger } } } } }"


LOOP_EVENTS = ["alert.raised", "alert.resolved", "task.created", "task.completed"]


def _daily_refresh(sample, config, catalogue, playbooks, day):  # type: ignore[no-untyped-def]
    """What the daily refresh does: score, evaluate the alert rules, run the playbooks."""
    compute_health(sample.session, config, catalogue, day)
    evaluate_alerts(sample.session, config.alerts, day)
    refresh = run_playbooks(sample.session, playbooks, day)
    sample.session.commit()
    return refresh


async def test_health_drop_alert_playbook_tasks_recovery_closes_the_loop(
    graphql, sample, scorecard, catalogue, engine, db_url, receiver
) -> None:
    endpoint = create_webhook_endpoint(
        sample.session, None, CreateWebhookEndpoint(url=f"{receiver.url}/loop", event_types=LOOP_EVENTS)
    )
    sample.session.commit()
    config = scorecard({"nps_latest": 1})
    shipped = load_playbooks()
    playbooks = shipped.model_copy(update={"playbooks": {"health_recovery": shipped.playbooks["health_recovery"]}})
    owner = sample.user(name="Owner")
    account = sample.account(owner_id=owner.id)
    days = [TODAY - timedelta(days=2), TODAY - timedelta(days=1), TODAY]
    answered = lambda day: datetime.combine(day, time(9), tzinfo=UTC)  # noqa: E731

    sample.nps(account, 10, responded_at=answered(days[0]))
    sample.session.commit()
    assert _daily_refresh(sample, config, catalogue, playbooks, days[0]).started == []

    sample.nps(account, 1, responded_at=answered(days[1]))
    sample.session.commit()
    started = _daily_refresh(sample, config, catalogue, playbooks, days[1]).started
    alert = sample.session.scalars(select(m.Alert).where(m.Alert.rule == "band_dropped")).one()
    assert [(run.playbook, run.trigger) for run in started] == [("health_recovery", f"alert:{alert.id}")]
    assert _daily_refresh(sample, config, catalogue, playbooks, days[1]).started == [], "one run per trigger"

    client = graphql.acting_as(owner)
    tasks = (await client.data(TO_DO))["me"]["tasks"]["nodes"]
    assert [task["title"] for task in tasks] == [step.title for step in playbooks.playbooks["health_recovery"].steps]
    assert {(t["origin"], t["alert"]["rule"], t["playbookRun"]["playbook"]) for t in tasks} == {
        ("PLAYBOOK", "band_dropped", "health_recovery")
    }
    first = {"id": tasks[0]["id"], "version": tasks[0]["version"], "outcome": "Champion re-engaged"}
    assert (await mutate(client, "completeTask", first, "task { status }"))["task"] == {"status": "DONE"}

    sample.nps(account, 10, responded_at=answered(days[2]))
    sample.session.commit()
    refresh = _daily_refresh(sample, config, catalogue, playbooks, days[2])

    sample.session.expire_all()
    alert = sample.session.get(m.Alert, alert.id)
    assert (alert.status, alert.auto_resolved) == (m.AlertStatus.RESOLVED, True)
    assert [task.title for task in refresh.closed_tasks] == [tasks[1]["title"]]
    statuses = sample.session.execute(select(m.Task.status, m.Task.outcome).order_by(m.Task.id)).all()
    assert [tuple(row) for row in statuses] == [
        (m.TaskStatus.DONE, "Champion re-engaged"),
        (m.TaskStatus.CANCELLED, ALERT_RESOLVED_OUTCOME),
    ]
    assert (await client.data(TO_DO))["me"]["tasks"]["nodes"] == []

    # The loop, as a subscriber hears it: each step once, signed per Standard Webhooks.
    outcome = process_outbox(engine, Settings(database_url=db_url, _env_file=None), None)
    heard = [Webhook(endpoint.signing_key).verify(item.body, item.headers) for item in receiver.on("/loop")]
    assert outcome.delivery.delivered == len(heard)
    raised_alerts = set(sample.session.scalars(select(m.Alert.id)))
    by_type = Counter(body["type"] for body in heard)
    assert (by_type["alert.raised"], by_type["task.created"], by_type["task.completed"]) == (len(raised_alerts), 2, 1)
    assert {body["data"]["alert_id"] for body in heard if body["type"] == "alert.raised"} == raised_alerts
    assert {body["data"]["alert_id"] for body in heard if body["type"] == "alert.resolved"} == {alert.id}
    assert len({item.headers["webhook-id"] for item in receiver.on("/loop")}) == len(heard)
