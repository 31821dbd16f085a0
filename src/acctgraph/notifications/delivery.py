"""Sending webhook deliveries: signed POSTs, exponential backoff, and disabling an endpoint that keeps failing.

A pass *claims* the due deliveries first (their next attempt moved past the attempts' time limit, in one
committed UPDATE that only one process can win for each row), so several passes may run side by side and
a process that dies mid-send leaves its deliveries due again once the claim lapses: at least once per
endpoint, with the event's id as ``webhook-id`` for the receiver to drop a repeat. Endpoints are sent to
in parallel, each endpoint's deliveries one after another (so a failing endpoint is disabled as soon as
it reaches the limit, not after a burst); the outcomes are recorded in one transaction.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from acctgraph.domain.events import published
from acctgraph.models import DeliveryStatus, Event, WebhookDelivery, WebhookEndpoint
from acctgraph.models.base import utcnow
from acctgraph.notifications.signing import signed_headers
from acctgraph.observability.metrics import record_webhook_failure
from acctgraph.settings import Settings

log = logging.getLogger(__name__)

CLAIM_MARGIN = timedelta(seconds=30)
"""Claimed deliveries are due again this long after their attempts' time limit, in case their sender died."""
PARALLEL_ENDPOINTS = 8


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
    at: datetime

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class Send:
    """One claimed delivery, with what is needed to send it without the database."""

    delivery: WebhookDelivery
    message_id: str
    body: bytes


def retry_delay(settings: Settings, attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: base x 2^(attempts-1), capped (docs/webhooks.md)."""
    seconds = settings.webhook_retry_seconds * 2 ** (attempts - 1)
    return timedelta(seconds=min(seconds, settings.webhook_max_retry_seconds))


def deliver_due(session: Session, settings: Settings, client: httpx.Client, limit: int = 100) -> DeliveryRun:
    """Send up to ``limit`` deliveries that are due to active endpoints, recording each attempt."""
    run = DeliveryRun()
    claimed = claim_due(session, settings, limit)
    if not claimed:
        return run
    endpoints, sends = _load(session, claimed)
    with ThreadPoolExecutor(max_workers=min(PARALLEL_ENDPOINTS, len(sends))) as pool:
        outcomes = pool.map(
            lambda endpoint_id: _send_in_turn(client, settings, endpoints[endpoint_id], sends[endpoint_id]), sends
        )
        for endpoint_id, attempts in zip(sends, outcomes, strict=True):
            _record(
                session, settings, endpoints[endpoint_id], list(zip(sends[endpoint_id], attempts, strict=True)), run
            )
    session.commit()
    return run


def claim_due(session: Session, settings: Settings, limit: int) -> list[int]:
    """Claim due deliveries (committed), so no other pass sends them meanwhile; their ids."""
    now = utcnow()
    due = (
        select(WebhookDelivery.id)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at <= now,
            WebhookEndpoint.active,
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
    )
    candidates = session.scalars(due).all()
    if not candidates:
        return []
    lease = now + timedelta(seconds=settings.webhook_timeout_seconds) + CLAIM_MARGIN
    claimed = session.scalars(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id.in_(candidates),
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at <= now,  # another pass that claimed it moved this past now
        )
        .values(next_attempt_at=lease)
        .returning(WebhookDelivery.id)
        .execution_options(synchronize_session=False)
    ).all()
    session.commit()
    return sorted(claimed)


def _load(session: Session, ids: list[int]) -> tuple[dict[int, WebhookEndpoint], dict[int, list[Send]]]:
    """The claimed deliveries grouped by endpoint, oldest first, with their bodies; three reads."""
    deliveries = session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.id.in_(ids))
        .order_by(WebhookDelivery.id)
        .execution_options(populate_existing=True)
    ).all()
    endpoint_ids = sorted({delivery.endpoint_id for delivery in deliveries})
    endpoints = {
        endpoint.id: endpoint
        for endpoint in session.scalars(
            select(WebhookEndpoint)
            .where(WebhookEndpoint.id.in_(endpoint_ids))
            .execution_options(populate_existing=True)
        )
    }
    events = {
        event.id: event
        for event in session.scalars(select(Event).where(Event.id.in_({d.event_id for d in deliveries})))
    }
    sends: dict[int, list[Send]] = defaultdict(list)
    for delivery in deliveries:
        event = events[delivery.event_id]
        body = json.dumps(published(event).body(), separators=(",", ":")).encode()
        sends[delivery.endpoint_id].append(Send(delivery, event.uid, body))
    return endpoints, dict(sends)


def _send_in_turn(
    client: httpx.Client, settings: Settings, endpoint: WebhookEndpoint, sends: list[Send]
) -> list[Attempt | None]:
    """POST each in turn; once the endpoint reaches the failure limit the rest are not sent (None)."""
    failures = endpoint.consecutive_failures
    attempts: list[Attempt | None] = []
    for send in sends:
        if failures >= settings.webhook_disable_after_failures:
            attempts.append(None)
            continue
        attempt = post(client, settings, endpoint.url, endpoint.signing_key, send)
        failures = 0 if attempt.ok else failures + 1
        attempts.append(attempt)
    return attempts


def post(client: httpx.Client, settings: Settings, url: str, signing_key: str, send: Send) -> Attempt:
    """One signed POST; any 2xx is a success, redirects are not followed."""
    headers = signed_headers(signing_key, send.message_id, int(utcnow().timestamp()), send.body)
    try:
        response = client.post(
            url, content=send.body, headers=headers, timeout=settings.webhook_timeout_seconds, follow_redirects=False
        )
    except httpx.HTTPError as error:
        return Attempt(None, f"{type(error).__name__}: {error}"[:1000], utcnow())
    if 200 <= response.status_code < 300:
        return Attempt(response.status_code, None, utcnow())
    return Attempt(response.status_code, f"HTTP {response.status_code}: {response.text[:200]}", utcnow())


def _record(
    session: Session,
    settings: Settings,
    endpoint: WebhookEndpoint,
    outcomes: list[tuple[Send, Attempt | None]],
    run: DeliveryRun,
) -> None:
    """Write each attempt on its delivery and the endpoint's failures in a row; disable it at the limit."""
    trailing_failures, succeeded, last_error = 0, False, None
    for send, attempt in outcomes:
        delivery = send.delivery
        if attempt is None:  # not sent: the endpoint reached its limit in this pass
            delivery.next_attempt_at = utcnow()
            continue
        delivery.attempts += 1
        delivery.last_attempt_at, delivery.response_code, delivery.error = attempt.at, attempt.code, attempt.error
        if attempt.ok:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
                DeliveryStatus.DELIVERED,
                attempt.at,
                None,
            )
            run.delivered += 1
            succeeded, trailing_failures = True, 0
            continue
        run.failed_attempts += 1
        record_webhook_failure(str(endpoint.id))
        trailing_failures += 1
        last_error = attempt.error
        if delivery.attempts >= settings.webhook_max_attempts:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
            run.gave_up += 1
        else:
            delivery.next_attempt_at = attempt.at + retry_delay(settings, delivery.attempts)
    if _count_failures(session, settings, endpoint.id, succeeded, trailing_failures, last_error):
        run.disabled_endpoints.append(endpoint.id)


def _count_failures(
    session: Session, settings: Settings, endpoint_id: int, succeeded: bool, trailing: int, last_error: str | None
) -> bool:
    """Set the endpoint's failures in a row (after a success: those since; else add this pass's), with plain
    UPDATEs: the endpoint's version is the admin's, a delivery must not make their edit stale. True if it
    reached the limit now and was disabled."""
    count = WebhookEndpoint.consecutive_failures
    failures, active = session.execute(
        update(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint_id)
        .values(consecutive_failures=trailing if succeeded else count + trailing)
        .returning(count, WebhookEndpoint.active)
        .execution_options(synchronize_session=False)
    ).one()
    if trailing == 0 or failures < settings.webhook_disable_after_failures or not active:
        return False
    reason = f"disabled on {utcnow():%Y-%m-%d %H:%M} UTC after {failures} failed attempts in a row; last: {last_error}"
    session.execute(
        update(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint_id)
        .values(active=False, disabled_reason=reason[:2000])
        .execution_options(synchronize_session=False)
    )
    log.warning("webhook endpoint %s %s", endpoint_id, reason)
    return True
