"""The outbox relay: hands each committed event on, once, to plugins, webhook endpoints and owners' channels.

``dispatch_events`` claims undispatched events (an UPDATE only one process wins), creates one delivery
per subscribed active endpoint (a unique (endpoint, event) pair: an event is never queued twice for one
endpoint) and commits; then it calls the ``event_published`` hook and tells the owners of new alerts on
their channels. Hooks and channels run after the commit, so they never hold the database's write lock
while waiting on the network; a failure there is logged and counted, never undoes the dispatch.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx
import pluggy
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from acctgraph.domain.events import EventType, PublishedEvent, published
from acctgraph.domain.revenue.inserts import insert_new_rows
from acctgraph.models import DeliveryStatus, Event, User, WebhookDelivery, WebhookEndpoint
from acctgraph.models.base import utcnow
from acctgraph.notifications.channels import ChannelError, Message, send_email, send_slack
from acctgraph.notifications.preferences import notification_settings
from acctgraph.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Dispatch:
    """What one ``dispatch_events`` call did."""

    events: list[PublishedEvent] = field(default_factory=list)
    deliveries: int = 0
    notifications_sent: int = 0
    notification_errors: list[str] = field(default_factory=list)


def dispatch_events(
    session: Session,
    settings: Settings,
    plugin_manager: pluggy.PluginManager | None,
    client: httpx.Client,
    limit: int = 500,
) -> Dispatch:
    """Dispatch up to ``limit`` undispatched events, oldest first (see the module's docstring)."""
    events = _claim(session, limit)
    dispatch = Dispatch(events=[published(event) for event in events])
    dispatch.deliveries = len(_queue_deliveries(session, events))
    session.commit()
    if plugin_manager is not None:
        for event in dispatch.events:
            try:
                plugin_manager.hook.event_published(event=event)
            except Exception:  # a failing plugin must not stop the others or the relay
                log.exception("a plugin's event_published failed for %s %s", event.type, event.id)
    _notify_alert_owners(session, settings, client, dispatch)
    return dispatch


def _claim(session: Session, limit: int) -> Sequence[Event]:
    candidates = session.scalars(
        select(Event.id).where(Event.dispatched_at.is_(None)).order_by(Event.id).limit(limit)
    ).all()
    if not candidates:
        return []
    claimed = session.scalars(
        update(Event)
        .where(Event.id.in_(candidates), Event.dispatched_at.is_(None))
        .values(dispatched_at=utcnow())
        .returning(Event.id)
        .execution_options(synchronize_session=False)
    ).all()
    return session.scalars(select(Event).where(Event.id.in_(claimed)).order_by(Event.id)).all()


def _queue_deliveries(session: Session, events: Sequence[Event]) -> list[int]:
    endpoints = session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.active).order_by(WebhookEndpoint.id))
    subscriptions = [(endpoint.id, set(endpoint.event_types)) for endpoint in endpoints]
    now = utcnow()
    rows = [
        {
            "endpoint_id": endpoint_id,
            "event_id": event.id,
            "status": DeliveryStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
            "updated_at": now,
        }
        for event in events
        for endpoint_id, types in subscriptions
        if not types or event.type in types
    ]
    return insert_new_rows(session, WebhookDelivery, rows)


def alert_message(event: PublishedEvent) -> Message:
    data = event.payload
    return Message(
        title=f"[{data['severity']}] {data['account_name']}: {data['title']}",
        lines=[
            f"Rule: {data['rule']}",
            f"Raised for {data['day']}",
            *(f"{k}: {v}" for k, v in data["evidence"].items()),
        ],
    )


def _notify_alert_owners(session: Session, settings: Settings, client: httpx.Client, dispatch: Dispatch) -> None:
    for event in dispatch.events:
        owner_id = event.payload.get("owner_id")
        if event.type != EventType.ALERT_RAISED or owner_id is None:
            continue
        user = session.get(User, owner_id)
        if user is None or not user.active:
            continue
        send_to_user(session, settings, client, user, alert_message(event), dispatch, alerts=True)


def send_to_user(
    session: Session,
    settings: Settings,
    client: httpx.Client,
    user: User,
    message: Message,
    dispatch: Dispatch,
    alerts: bool = False,
) -> None:
    """Send ``message`` on each channel the user turned on (for an alert: only if they want alerts)."""
    preferences = notification_settings(session, user.id)
    if alerts and not preferences.alerts_enabled:
        return
    sends = []
    if preferences.slack_enabled and preferences.slack_webhook_url:
        url = preferences.slack_webhook_url
        sends.append(lambda: send_slack(client, url, message, settings.webhook_timeout_seconds))
    if preferences.email_enabled:
        sends.append(lambda: send_email(settings, user.email, message))
    for send in sends:
        try:
            send()
            dispatch.notifications_sent += 1
        except ChannelError as error:
            log.warning("notification to user %s failed: %s", user.id, error)
            dispatch.notification_errors.append(str(error))
