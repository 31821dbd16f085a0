"""Webhook endpoints an admin subscribes to event types: create, update, delete, and redeliver by hand.

Functions change the session and leave the commit to the caller (the audited GraphQL runner or the CLI).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, StringConstraints, ValidationInfo, field_validator
from sqlalchemy.orm import Session

from acctgraph.domain.actors import Actor
from acctgraph.domain.commands import Command, Version
from acctgraph.domain.events import EVENT_TYPES
from acctgraph.domain.rules import BusinessRuleError, check_version, get_row
from acctgraph.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from acctgraph.models.base import utcnow
from acctgraph.notifications.signing import generate_signing_key


def _http_url(value: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(value) > 2000:
        raise ValueError("give an http:// or https:// URL, e.g. https://hooks.example.com/acctgraph")
    return value


def _event_types(values: list[str]) -> list[str]:
    unknown = sorted(set(values) - set(EVENT_TYPES))
    if unknown:
        raise ValueError(f"unknown event type {unknown[0]!r}; use some of {', '.join(EVENT_TYPES)}")
    if len(set(values)) != len(values):
        raise ValueError("list each event type once")
    return sorted(values)


HttpUrl = Annotated[str, AfterValidator(_http_url)]
EventTypes = Annotated[list[str], Field(max_length=len(EVENT_TYPES)), AfterValidator(_event_types)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]


class CreateWebhookEndpoint(Command):
    url: HttpUrl
    event_types: EventTypes = Field(default_factory=list, description="Empty: every event type")
    description: Description = ""

    @field_validator("event_types", "description", mode="before")
    @classmethod
    def _null_is_default(cls, value: object, info: ValidationInfo) -> object:
        if value is None:
            return [] if info.field_name == "event_types" else ""
        return value


class UpdateWebhookEndpoint(Command):
    id: int
    version: Version
    url: HttpUrl | None = None
    event_types: EventTypes | None = None
    description: Description | None = None
    active: bool | None = Field(default=None, description="True re-enables a disabled endpoint")


class DeleteWebhookEndpoint(Command):
    id: int


class RedeliverWebhook(Command):
    delivery_id: int


def create_webhook_endpoint(session: Session, actor: Actor | None, command: CreateWebhookEndpoint) -> WebhookEndpoint:
    """A new endpoint with a fresh ``whsec_`` signing key (shown to the caller once)."""
    endpoint = WebhookEndpoint(
        url=command.url,
        event_types=command.event_types,
        description=command.description,
        signing_key=generate_signing_key(),
        created_by_id=actor.user_id if actor else None,
    )
    session.add(endpoint)
    session.flush()
    return endpoint


def update_webhook_endpoint(session: Session, _actor: Actor | None, command: UpdateWebhookEndpoint) -> WebhookEndpoint:
    """Change what is given; re-enabling clears the failure count and the reason it was disabled."""
    endpoint: WebhookEndpoint = get_row(session, WebhookEndpoint, command.id)
    check_version(endpoint, command.version)
    changes = command.given("url", "event_types", "description", "active")
    for name in ("url", "active"):
        if name in changes and changes[name] is None:
            raise BusinessRuleError("REQUIRED", f"{name} cannot be cleared; give a value or leave it out", name)
    for name, value in changes.items():
        setattr(endpoint, name, value if value is not None else ([] if name == "event_types" else ""))
    if changes.get("active"):
        endpoint.consecutive_failures = 0
        endpoint.disabled_reason = None
    return endpoint


def delete_webhook_endpoint(session: Session, _actor: Actor | None, command: DeleteWebhookEndpoint) -> WebhookEndpoint:
    """Remove the endpoint and its delivery log."""
    endpoint: WebhookEndpoint = get_row(session, WebhookEndpoint, command.id)
    session.delete(endpoint)
    session.flush()
    return endpoint


def redeliver_webhook(session: Session, _actor: Actor | None, command: RedeliverWebhook) -> WebhookDelivery:
    """Send a delivery again (delivered or failed alike) at the next delivery run, with fresh attempts."""
    delivery: WebhookDelivery = get_row(session, WebhookDelivery, command.delivery_id, "deliveryId")
    endpoint: WebhookEndpoint = get_row(session, WebhookEndpoint, delivery.endpoint_id, "deliveryId")
    if not endpoint.active:
        raise BusinessRuleError(
            "ENDPOINT_DISABLED",
            f"the endpoint is disabled ({endpoint.disabled_reason or 'by an admin'}); re-enable it with "
            "updateWebhookEndpoint(active: true) first",
            "deliveryId",
        )
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = utcnow()
    delivery.error = None
    return delivery
