"""``acctgraph doctor``'s view of the outbox and the webhook endpoints."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from acctgraph.models import Event, WebhookEndpoint
from acctgraph.observability.findings import Finding, Status, waiting_finding


def check_outbox(session: Session) -> Iterator[Finding]:
    """Events waiting for the relay (a problem once the oldest waited past the limit: no worker runs it)."""
    waiting, oldest = session.execute(
        select(func.count(), func.min(Event.occurred_at)).where(Event.dispatched_at.is_(None))
    ).one()
    yield waiting_finding("outbox", "event(s)", waiting, oldest, " (the deliver-webhooks job dispatches them)")


def check_webhook_endpoints(session: Session) -> Iterator[Finding]:
    """Each endpoint disabled after failing is a problem, with the reason and how to re-enable it."""
    for endpoint in session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.active.is_(False))):
        name = f"webhook endpoint {endpoint.id}"
        if endpoint.disabled_reason is None:
            yield Finding(name, Status.INFO, f"{endpoint.url} is disabled by an admin")
            continue
        yield Finding(
            name,
            Status.PROBLEM,
            f"{endpoint.url} was {endpoint.disabled_reason}; fix the receiver, then run "
            f"`acctgraph webhooks update {endpoint.id} --enable`",
        )
