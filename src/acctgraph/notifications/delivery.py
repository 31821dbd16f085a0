"""Sending webhook deliveries: signed POSTs, exponential backoff, and disabling an endpoint that keeps failing.

A delivery is *claimed* before it is sent (its next attempt moved past the attempt's time limit, in a
committed UPDATE that only one process can win), so several delivery runs may work side by side and a
process that dies mid-send leaves the delivery due again once the claim lapses: at least once per
endpoint, with the event's id as ``webhook-id`` for the receiver to drop a repeat.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from acctgraph.domain.events import published
from acctgraph.models import DeliveryStatus, Event, WebhookDelivery, WebhookEndpoint
from acctgraph.models.base import utcnow
from acctgraph.notifications.signing import signed_headers
from acctgraph.settings import Settings

log = logging.getLogger(__name__)

CLAIM_MARGIN = timedelta(seconds=30)
"""A claimed delivery is due again this long after its attempt's time limit, in case its sender died."""


@dataclass
class DeliveryRun:
    """What one ``deliver_due`` call did."""

    delivered: int = 0
    failed_attempts: int = 0
    gave_up: int = 0
    disabled_endpoints: list[int] = field(default_factory=list)

    @property
    def attempts(self) -> int:
        return self.delivered + self.failed_attempts


@dataclass(frozen=True)
class Attempt:
    """The outcome of one POST: a response code, or the error that stopped it."""

    code: int | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.error is None


def retry_delay(settings: Settings, attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: base x 2^(attempts-1), capped (docs/webhooks.md)."""
    seconds = settings.webhook_retry_seconds * 2 ** (attempts - 1)
    return timedelta(seconds=min(seconds, settings.webhook_max_retry_seconds))


def deliver_due(session: Session, settings: Settings, client: httpx.Client, limit: int = 100) -> DeliveryRun:
    """Send up to ``limit`` deliveries that are due to active endpoints, recording each attempt."""
    run = DeliveryRun()
    for delivery_id in claim_due(session, settings, limit):
        _deliver(session, settings, client, delivery_id, run)
    return run


def claim_due(session: Session, settings: Settings, limit: int) -> list[int]:
    """Claim due deliveries (committed), so no other run sends them meanwhile; their ids, oldest first."""
    now = utcnow()
    due = session.scalars(
        select(WebhookDelivery.id)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at <= now,
            WebhookEndpoint.active,
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
    ).all()
    lease = now + timedelta(seconds=settings.webhook_timeout_seconds) + CLAIM_MARGIN
    claimed = []
    for delivery_id in due:
        won = session.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.id == delivery_id,
                WebhookDelivery.status == DeliveryStatus.PENDING,
                WebhookDelivery.next_attempt_at <= now,
            )
            .values(next_attempt_at=lease)
            .execution_options(synchronize_session=False)
        )
        if won.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(delivery_id)
    session.commit()
    return claimed


def _deliver(session: Session, settings: Settings, client: httpx.Client, delivery_id: int, run: DeliveryRun) -> None:
    delivery = session.get_one(WebhookDelivery, delivery_id, populate_existing=True)
    endpoint = session.get_one(WebhookEndpoint, delivery.endpoint_id, populate_existing=True)
    event = session.get_one(Event, delivery.event_id)
    if not endpoint.active:  # disabled since the claim (e.g. by an earlier delivery of this run): wait for it
        delivery.next_attempt_at = utcnow()
        session.commit()
        return
    attempt = post(client, settings, endpoint, event)
    now = utcnow()
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.response_code = attempt.code
    delivery.error = attempt.error
    if attempt.ok:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = DeliveryStatus.DELIVERED, now, None
        _set_failures(session, endpoint.id, 0)
        run.delivered += 1
    else:
        run.failed_attempts += 1
        _record_failure(session, settings, delivery, now, run)
        if _count_failure(session, settings, endpoint, attempt, now):
            run.disabled_endpoints.append(endpoint.id)
    session.commit()


def post(client: httpx.Client, settings: Settings, endpoint: WebhookEndpoint, event: Event) -> Attempt:
    """One signed POST of ``event`` to ``endpoint``; any 2xx is a success, redirects are not followed."""
    body = json.dumps(published(event).body(), separators=(",", ":")).encode()
    headers = signed_headers(endpoint.signing_key, event.uid, int(utcnow().timestamp()), body)
    try:
        response = client.post(
            endpoint.url,
            content=body,
            headers=headers,
            timeout=settings.webhook_timeout_seconds,
            follow_redirects=False,
        )
    except httpx.HTTPError as error:
        return Attempt(None, f"{type(error).__name__}: {error}"[:1000])
    if 200 <= response.status_code < 300:
        return Attempt(response.status_code, None)
    return Attempt(response.status_code, f"HTTP {response.status_code}: {response.text[:200]}")


def _record_failure(
    session: Session, settings: Settings, delivery: WebhookDelivery, now: datetime, run: DeliveryRun
) -> None:
    if delivery.attempts >= settings.webhook_max_attempts:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        run.gave_up += 1
    else:
        delivery.next_attempt_at = now + retry_delay(settings, delivery.attempts)


def _count_failure(
    session: Session, settings: Settings, endpoint: WebhookEndpoint, attempt: Attempt, now: datetime
) -> bool:
    """Count a failed attempt against the endpoint; disable it (with the reason) at the limit. True if it was."""
    failures, active = session.execute(
        update(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint.id)
        .values(consecutive_failures=WebhookEndpoint.consecutive_failures + 1)
        .returning(WebhookEndpoint.consecutive_failures, WebhookEndpoint.active)
        .execution_options(synchronize_session=False)
    ).one()
    if failures < settings.webhook_disable_after_failures or not active:
        return False
    reason = f"disabled on {now:%Y-%m-%d %H:%M} UTC after {failures} failed attempts in a row; last: {attempt.error}"
    session.execute(
        update(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint.id)
        .values(active=False, disabled_reason=reason[:2000])
        .execution_options(synchronize_session=False)
    )
    log.warning("webhook endpoint %s %s", endpoint.id, reason)
    return True


def _set_failures(session: Session, endpoint_id: int, failures: int) -> None:
    # A plain UPDATE, not the ORM: the endpoint's version is the admin's, a delivery must not make their edit stale.
    session.execute(
        update(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint_id)
        .values(consecutive_failures=failures)
        .execution_options(synchronize_session=False)
    )
