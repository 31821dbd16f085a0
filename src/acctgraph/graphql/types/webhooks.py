"""Webhook endpoints, their delivery log, and a user's notification settings."""

from __future__ import annotations

from datetime import datetime
from typing import cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from acctgraph import models
from acctgraph.graphql.context import Info
from acctgraph.graphql.loaders import load_by_id
from acctgraph.graphql.types.node import ModelNode

WebhookDeliveryStatus = strawberry.enum(
    models.DeliveryStatus,
    name="WebhookDeliveryStatus",
    description="Where a delivery stands: PENDING until the endpoint answers 2xx or the attempts run out.",
)


@strawberry.type(description="A URL subscribed to event types, sent each event signed per Standard Webhooks.")
class WebhookEndpoint(ModelNode):
    model = models.WebhookEndpoint

    id: relay.NodeID[int]
    url: str = strawberry.field(description="Where events are POSTed.")
    description: str = strawberry.field(description="What the endpoint is for.")
    event_types: list[str] = strawberry.field(description="The event types sent; empty: every type.")
    active: bool = strawberry.field(description="False: disabled (by an admin, or after failing too often).")
    disabled_reason: str | None = strawberry.field(description="Why it was disabled automatically.")
    consecutive_failures: int = strawberry.field(description="Failed attempts in a row, reset by a success.")
    version: int = strawberry.field(description="Send it back with a change (optimistic concurrency).")
    created_at: datetime
    updated_at: datetime


@strawberry.type(description="One event sent (or being sent) to one endpoint: at most one per pair.")
class WebhookDelivery(ModelNode):
    model = models.WebhookDelivery

    id: relay.NodeID[int]
    status: WebhookDeliveryStatus = strawberry.field(description="Pending, delivered or failed.")  # type: ignore[valid-type]
    attempts: int = strawberry.field(description="Attempts made so far.")
    response_code: int | None = strawberry.field(description="The HTTP status of the last attempt.")
    error: str | None = strawberry.field(description="Why the last attempt failed.")
    next_attempt_at: datetime | None = strawberry.field(description="When it is tried next; null once settled.")
    last_attempt_at: datetime | None = strawberry.field(description="When it was last tried.")
    delivered_at: datetime | None = strawberry.field(description="When the endpoint accepted it.")
    created_at: datetime
    updated_at: datetime
    endpoint_id: strawberry.Private[int]
    event_id: strawberry.Private[int]

    @strawberry.field(description="The endpoint it goes to.")
    async def endpoint(self, info: Info) -> WebhookEndpoint | None:
        row = await load_by_id(info.context, models.WebhookEndpoint, self.endpoint_id)
        return None if row is None else WebhookEndpoint.from_row(row)

    @strawberry.field(description="The event: `webhook-id`, type, time and payload as sent.")
    async def event(self, info: Info) -> WebhookEvent | None:
        row = await load_by_id(info.context, models.Event, self.event_id)
        return None if row is None else WebhookEvent.from_row(row)


@strawberry.type(description="A domain event from the outbox, as webhooks send it.")
class WebhookEvent:
    message_id: str = strawberry.field(description="The `webhook-id` header: the same on every attempt.")
    type: str = strawberry.field(description="e.g. alert.raised (docs/webhooks.md lists them).")
    occurred_at: datetime = strawberry.field(description="When the change committed.")
    payload: JSON = strawberry.field(description="The event's `data`, as in the body sent.")

    @classmethod
    def from_row(cls, row: models.Event) -> WebhookEvent:
        return cls(message_id=row.uid, type=row.type, occurred_at=row.occurred_at, payload=cast(JSON, row.payload))


@strawberry.type(description="Where the caller hears about their book.")
class NotificationSettings:
    email_enabled: bool = strawberry.field(description="Alerts and the digest by e-mail, to the user's address.")
    slack_enabled: bool = strawberry.field(description="Alerts and the digest on Slack.")
    slack_webhook_url: str | None = strawberry.field(description="The Slack incoming-webhook URL used.")
    alerts_enabled: bool = strawberry.field(description="Send each new alert of the user's book.")
    digest_enabled: bool = strawberry.field(description="Send a daily digest of the user's book.")

    @classmethod
    def from_row(cls, row: models.NotificationSettings) -> NotificationSettings:
        return cls(
            email_enabled=row.email_enabled,
            slack_enabled=row.slack_enabled,
            slack_webhook_url=row.slack_webhook_url,
            alerts_enabled=row.alerts_enabled,
            digest_enabled=row.digest_enabled,
        )
