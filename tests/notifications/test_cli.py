"""`acctgraph webhooks` and `acctgraph notifications`: the same rules as the API, errors in one line."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from typer.testing import CliRunner, Result

from acctgraph import models as m
from acctgraph.cli import app
from acctgraph.cli.errors import CommandError
from acctgraph.settings import get_settings
from tests.notifications.test_webhooks import new_task, verified


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ACCTGRAPH_DATABASE_URL", db_url)
    monkeypatch.setenv("ACCTGRAPH_LOAD_PLUGINS", "")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def test_create_prints_the_signing_key_once_and_deliver_sends(cli, sample, receiver) -> None:
    created = run("webhooks", "create", f"{receiver.url}/hooks", "-e", "task.created")
    assert created.exit_code == 0, created.output
    key = created.stdout.splitlines()[1]
    endpoint = sample.session.scalars(select(m.WebhookEndpoint)).one()
    assert key == endpoint.signing_key
    listed = run("webhooks", "list")
    assert key not in listed.stdout
    assert "task.created" in listed.stdout

    new_task(sample)
    delivered = run("webhooks", "deliver")

    assert delivered.exit_code == 0, delivered.output
    assert "1 events dispatched, 1 deliveries queued, 1 delivered" in delivered.stdout
    assert verified(endpoint, receiver.received[0])["type"] == "task.created"
    log = run("webhooks", "deliveries")
    assert "delivered" in log.stdout
    assert sample.session.scalars(select(m.AuditRecord.operation)).all() == ["webhooks create"]


def test_bad_input_is_one_line_saying_what_to_fix(cli, sample) -> None:
    bad_type = run("webhooks", "create", "https://h.example.com", "-e", "task.exploded")
    missing = run("webhooks", "redeliver", "999")
    assert isinstance(bad_type.exception, CommandError)
    assert "--event-type: unknown event type 'task.exploded'" in str(bad_type.exception)
    assert isinstance(missing.exception, CommandError)
    assert "no WebhookDelivery with this id" in str(missing.exception)


def test_disable_and_enable_an_endpoint(cli, sample) -> None:
    endpoint = sample.webhook_endpoint()
    sample.session.commit()
    assert run("webhooks", "update", str(endpoint.id), "--disable").exit_code == 0
    sample.session.expire_all()
    assert sample.session.get(m.WebhookEndpoint, endpoint.id).active is False
    enabled = run("webhooks", "update", str(endpoint.id), "--enable", "--all-types")
    assert enabled.stdout.strip() == f"webhook endpoint {endpoint.id} is active"


def test_notification_settings_and_the_digest(cli, sample, receiver) -> None:
    user = sample.user(email="ana@example.com")
    sample.account(owner_id=user.id)
    sample.session.commit()
    changed = run(
        "notifications", "settings", "ana@example.com", "--slack-url", f"{receiver.url}/slack", "--slack", "--digest"
    )
    digest = run("notifications", "digest")
    refused = run("notifications", "settings", "nobody@example.com", "--digest")

    assert changed.stdout.strip() == "ana@example.com: channels Slack; alerts on, digest on"
    assert digest.stdout.strip() == "1 digests sent"
    assert "Accounts in your book: 1" in receiver.on("/slack")[0].body.decode()
    assert isinstance(refused.exception, CommandError)
    assert "no user with email 'nobody@example.com'" in str(refused.exception)
