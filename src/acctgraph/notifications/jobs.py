"""The notification jobs the worker runs: the outbox pass (events, webhooks, alerts) and the daily digest."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from acctgraph.db import sync_sessionmaker
from acctgraph.jobs.registry import JobContext, job
from acctgraph.notifications.digest import send_daily_digests
from acctgraph.notifications.outbox import process_outbox, prune_events


@job("deliver-webhooks", schedule="30s", retries=0)
def deliver_webhooks(context: JobContext) -> str:
    """Dispatch waiting events (plugins, webhooks, owners' alerts) and send the webhook deliveries due."""
    outcome = process_outbox(context.engine, context.settings, context.plugins)
    run = outcome.delivery
    return (
        f"{outcome.events} events dispatched, {run.delivered} deliveries sent, {run.failed_attempts} failed, "
        f"{len(run.disabled_endpoints)} endpoints disabled, {outcome.notifications_sent} notifications sent"
    )


@job("notifications-digest", schedule="0 7 * * *")
def notifications_digest(context: JobContext) -> str:
    """Send the daily digest of their book to each user who turned it on (as `acctgraph notifications digest`)."""
    with sync_sessionmaker(context.engine)() as session, httpx.Client() as client:
        sent = send_daily_digests(session, context.settings, client, datetime.now(UTC).date())
    return f"{sent.notifications_sent} digests sent, {len(sent.notification_errors)} failed"


@job("events-prune", schedule="30 4 * * *")
def events_prune(context: JobContext) -> str:
    """Delete dispatched events older than ACCTGRAPH_EVENTS_RETENTION_DAYS whose deliveries are settled."""
    return f"{prune_events(context.engine, context.settings)} old events deleted"
