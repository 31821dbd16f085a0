"""``acctgraph webhooks``: subscribe endpoints to events, read the delivery log, redeliver, and deliver.

Changes go through the same domain functions as the admin-only GraphQL mutations, audited with no actor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from acctgraph.cli.context import connected_engine, settings
from acctgraph.cli.errors import CommandError
from acctgraph.cli.output import add_plain_row
from acctgraph.cli.users import command as users_command
from acctgraph.db import sync_sessionmaker
from acctgraph.domain.events import EVENT_TYPES
from acctgraph.domain.rules import BusinessRuleError
from acctgraph.domain.users import run_audited
from acctgraph.integration.plugins import started_plugin_manager
from acctgraph.models import WebhookDelivery, WebhookEndpoint
from acctgraph.notifications import endpoints as domain
from acctgraph.notifications.outbox import process_outbox

app = typer.Typer(help="Outgoing webhooks (Standard Webhooks): endpoints, deliveries.", no_args_is_help=True)
stderr = Console(stderr=True, soft_wrap=True)
T = TypeVar("T")
C = TypeVar("C", bound=BaseModel)

TYPES_HELP = f"An event type to send (repeat the option); none: every type. One of {', '.join(EVENT_TYPES)}."


def command(command_type: type[C], **values: Any) -> C:
    """The domain command; a complaint names the option as typed (``--event-type``, once per type)."""
    try:
        return users_command(command_type, **values)
    except CommandError as error:
        raise CommandError(str(error).replace("--event-types", "--event-type")) from None


def _change(operation: str, work: Callable[[Session], T]) -> T:
    with sync_sessionmaker(connected_engine())() as session:
        try:
            row = run_audited(session, operation, lambda: work(session))
        except BusinessRuleError as error:
            raise CommandError(f"{error.message}. See them with `acctgraph webhooks list`") from None
        session.commit()
        return row


@app.command()
def create(
    url: str = typer.Argument(..., help="The receiver's http(s) URL."),
    event_type: list[str] = typer.Option([], "--event-type", "-e", help=TYPES_HELP),
    description: str = typer.Option("", help="What the endpoint is for."),
) -> None:
    """Subscribe an endpoint; its signing key (whsec_...) is printed once: store it in the receiver."""
    values = command(domain.CreateWebhookEndpoint, url=url, event_types=event_type, description=description)
    endpoint = _change("webhooks create", lambda session: domain.create_webhook_endpoint(session, None, values))
    typer.echo(f"created webhook endpoint {endpoint.id} for {endpoint.url}")
    typer.echo(endpoint.signing_key)
    stderr.print("the endpoint's signing key: store it now (the receiver verifies signatures with it).")


@app.command("list")
def list_endpoints() -> None:
    """Every endpoint, with its event types and, if disabled, why."""
    with sync_sessionmaker(connected_engine())() as session:
        endpoints = session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)).all()
    table = Table("id", "url", "event types", "active", "failures in a row", "disabled because")
    for endpoint in endpoints:
        add_plain_row(
            table,
            endpoint.id,
            endpoint.url,
            ", ".join(endpoint.event_types) or "all",
            "yes" if endpoint.active else "no",
            endpoint.consecutive_failures,
            endpoint.disabled_reason or "",
        )
    Console(soft_wrap=True).print(table)


@app.command()
def update(
    endpoint_id: int,
    url: str | None = typer.Option(None, help="A new URL."),
    event_type: list[str] | None = typer.Option(None, "--event-type", "-e", help=TYPES_HELP),
    all_types: bool = typer.Option(False, "--all-types", help="Send every event type."),
    enable: bool | None = typer.Option(None, "--enable/--disable", help="Re-enable (clears failures) or disable."),
    description: str | None = typer.Option(None, help="A new description."),
) -> None:
    """Change an endpoint; `--enable` brings back one disabled after failing."""
    given: dict[str, Any] = {"url": url, "description": description, "active": enable}
    given = {name: value for name, value in given.items() if value is not None}
    if event_type or all_types:
        given["event_types"] = [] if all_types else event_type

    def work(session: Session) -> WebhookEndpoint:
        endpoint = session.get(WebhookEndpoint, endpoint_id)
        version = endpoint.version if endpoint else 1
        values = command(domain.UpdateWebhookEndpoint, id=endpoint_id, version=version, **given)
        return domain.update_webhook_endpoint(session, None, values)

    endpoint = _change("webhooks update", work)
    typer.echo(f"webhook endpoint {endpoint.id} is {'active' if endpoint.active else 'disabled'}")


@app.command()
def delete(endpoint_id: int) -> None:
    """Remove an endpoint and its delivery log."""
    values = domain.DeleteWebhookEndpoint(id=endpoint_id)
    _change("webhooks delete", lambda session: domain.delete_webhook_endpoint(session, None, values))
    typer.echo(f"deleted webhook endpoint {endpoint_id}")


@app.command()
def deliveries(
    endpoint_id: int | None = typer.Option(None, "--endpoint", help="Only this endpoint's deliveries."),
    limit: int = typer.Option(50, min=1, max=1000, help="The newest this many."),
) -> None:
    """The delivery log, newest first: status, attempts, last response code and error."""
    query = select(WebhookDelivery).order_by(WebhookDelivery.id.desc()).limit(limit)
    if endpoint_id is not None:
        query = query.where(WebhookDelivery.endpoint_id == endpoint_id)
    with sync_sessionmaker(connected_engine())() as session:
        rows = session.scalars(query).all()
    table = Table("id", "endpoint", "event", "status", "attempts", "code", "next attempt", "error")
    for row in rows:
        add_plain_row(
            table,
            row.id,
            row.endpoint_id,
            row.event_id,
            row.status.value,
            row.attempts,
            row.response_code or "",
            row.next_attempt_at.isoformat(timespec="seconds") if row.next_attempt_at else "",
            row.error or "",
        )
    Console(soft_wrap=True).print(table)


@app.command()
def redeliver(delivery_id: int) -> None:
    """Send a delivery again at the next `webhooks deliver` (or worker pass), with fresh attempts."""
    values = domain.RedeliverWebhook(delivery_id=delivery_id)
    _change("webhooks redeliver", lambda session: domain.redeliver_webhook(session, None, values))
    typer.echo(f"delivery {delivery_id} will be sent again")


@app.command()
def deliver() -> None:
    """Dispatch waiting events (plugins, webhooks, owners' alerts) and send the deliveries due, once."""
    config = settings()
    engine = connected_engine()
    outcome = process_outbox(engine, config, started_plugin_manager(config))
    run = outcome.delivery
    typer.echo(
        f"{outcome.events} events dispatched, {outcome.deliveries_queued} deliveries queued, "
        f"{run.delivered} delivered, {run.failed_attempts} failed attempts ({run.gave_up} gave up), "
        f"{outcome.notifications_sent} notifications sent"
    )
    for endpoint_id in run.disabled_endpoints:
        stderr.print(f"webhook endpoint {endpoint_id} was disabled: see `acctgraph webhooks list`")
    for error in outcome.notification_errors:
        stderr.print(f"notification failed: {error}")
