"""One pass over the outbox: dispatch every waiting event, then send every webhook delivery that is due.

The job engine's task and ``acctgraph webhooks deliver`` both call ``process_outbox``.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
import pluggy
from sqlalchemy import Engine, delete, exists, select

from acctgraph.db import sync_sessionmaker
from acctgraph.models import DeliveryStatus, Event, WebhookDelivery
from acctgraph.models.base import utcnow
from acctgraph.notifications.delivery import DeliveryRun, deliver_due
from acctgraph.notifications.relay import Dispatch, dispatch_events
from acctgraph.settings import Settings

BATCH = 200
USER_AGENT = {"user-agent": "acctgraph-webhooks"}


@dataclass
class OutboxPass:
    events: int = 0
    deliveries_queued: int = 0
    notifications_sent: int = 0
    notification_errors: list[str] = field(default_factory=list)
    delivery: DeliveryRun = field(default_factory=DeliveryRun)


def process_outbox(
    engine: Engine, settings: Settings, plugin_manager: pluggy.PluginManager | None, client: httpx.Client | None = None
) -> OutboxPass:
    """Dispatch until no event waits, then deliver until nothing is due (retries wait for a later pass)."""
    outcome = OutboxPass()
    http_client = nullcontext(client) if client is not None else httpx.Client(headers=USER_AGENT)
    with sync_sessionmaker(engine)() as session, http_client as http:
        while True:
            dispatch: Dispatch = dispatch_events(session, settings, plugin_manager, http, BATCH)
            outcome.events += len(dispatch.events)
            outcome.deliveries_queued += dispatch.deliveries
            outcome.notifications_sent += dispatch.notifications_sent
            outcome.notification_errors += dispatch.notification_errors
            if len(dispatch.events) < BATCH:
                break
        while True:
            run = deliver_due(session, settings, http, BATCH)
            _add(outcome.delivery, run)
            if run.attempts < BATCH:
                break
    return outcome


def _add(total: DeliveryRun, run: DeliveryRun) -> None:
    total.delivered += run.delivered
    total.failed_attempts += run.failed_attempts
    total.gave_up += run.gave_up
    total.disabled_endpoints += run.disabled_endpoints


def prune_events(engine: Engine, settings: Settings) -> int:
    """Delete events dispatched more than ``events_retention_days`` ago whose deliveries are all settled
    (their delivery log goes with them); the number deleted. Undispatched or pending ones stay."""
    cutoff = utcnow() - timedelta(days=settings.events_retention_days)
    pending = exists().where(WebhookDelivery.event_id == Event.id, WebhookDelivery.status == DeliveryStatus.PENDING)
    old = select(Event.id).where(Event.dispatched_at < cutoff, ~pending)
    with sync_sessionmaker(engine)() as session:
        deleted = session.execute(delete(Event).where(Event.id.in_(old)).execution_options(synchronize_session=False))
        session.commit()
    return int(deleted.rowcount)  # type: ignore[attr-defined]
