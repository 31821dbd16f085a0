"""``webhookEndpoints`` and ``webhookDeliveries`` (admins only), ``myNotificationSettings`` (every user)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from sqlalchemy import ColumnElement, select

from acctgraph import models
from acctgraph.graphql.connections import Connection, RootList, paginated
from acctgraph.graphql.context import Info
from acctgraph.graphql.errors import Unauthenticated
from acctgraph.graphql.ids import decode_id
from acctgraph.graphql.keyset import Ordering, SortKey
from acctgraph.graphql.types.webhooks import (
    NotificationSettings,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEndpoint,
)
from acctgraph.notifications.preferences import default_notification_settings

ENDPOINT_ORDER = Ordering((SortKey("id", models.WebhookEndpoint.id),))
DELIVERY_ORDER = Ordering(
    (
        SortKey("created", models.WebhookDelivery.created_at, descending=True, value_type=datetime),
        SortKey("id", models.WebhookDelivery.id, descending=True),
    )
)


@strawberry.input(description="Narrow the delivery log; every given condition must hold.")
class WebhookDeliveryFilter:
    endpoint_id: strawberry.ID | None = strawberry.field(default=None, description="One endpoint's deliveries.")
    statuses: list[WebhookDeliveryStatus] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Only deliveries in these statuses."
    )


def _conditions(where: WebhookDeliveryFilter) -> list[ColumnElement[bool]]:
    delivery = models.WebhookDelivery
    conditions: list[ColumnElement[bool]] = []
    if where.endpoint_id is not None:
        conditions.append(delivery.endpoint_id == decode_id(where.endpoint_id, "WebhookEndpoint"))
    if where.statuses:
        conditions.append(delivery.status.in_(where.statuses))
    return conditions


@strawberry.type
class WebhookQueries:
    @paginated("The webhook endpoints, oldest first (admins only).", Connection[WebhookEndpoint])
    def webhook_endpoints(self) -> RootList:
        return RootList(select(models.WebhookEndpoint), ENDPOINT_ORDER, WebhookEndpoint.from_row)

    @paginated("The webhook delivery log, newest first (admins only).", Connection[WebhookDelivery])
    def webhook_deliveries(
        self,
        filter: Annotated[
            WebhookDeliveryFilter | None, strawberry.argument(description="Only deliveries matching every condition.")
        ] = None,
    ) -> RootList:
        statement = select(models.WebhookDelivery).where(*_conditions(filter or WebhookDeliveryFilter()))
        return RootList(statement, DELIVERY_ORDER, WebhookDelivery.from_row)

    @strawberry.field(description="The caller's notification settings (every channel off until they set one).")
    async def my_notification_settings(self, info: Info) -> NotificationSettings:
        actor = info.context.viewer
        if actor is None:
            raise Unauthenticated("send an API key: Authorization: Bearer <key>")
        rows = await info.context.db.scalars(
            select(models.NotificationSettings).where(models.NotificationSettings.user_id == actor.user_id)
        )
        return NotificationSettings.from_row(rows[0] if rows else default_notification_settings(actor.user_id))
