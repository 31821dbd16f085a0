"""Admin-only webhook mutations (create, update, delete an endpoint; redeliver) and
``updateMyNotificationSettings`` (every user, for themselves)."""

from __future__ import annotations

import strawberry
from strawberry import UNSET, relay

from acctgraph import models
from acctgraph.graphql.context import Info
from acctgraph.graphql.mutations.base import run, run_for_node
from acctgraph.graphql.mutations.inputs import UserError
from acctgraph.graphql.types.webhooks import NotificationSettings, WebhookDelivery, WebhookEndpoint
from acctgraph.notifications import endpoints as domain
from acctgraph.notifications.preferences import UpdateNotificationSettings, update_notification_settings


@strawberry.input(description="A new endpoint; its signing key is generated and answered once.")
class CreateWebhookEndpointInput:
    url: str = strawberry.field(description="The receiver's http(s) URL.")
    event_types: list[str] | None = strawberry.field(
        default=UNSET, description="The event types to send (docs/webhooks.md); none or empty: every type."
    )
    description: str | None = strawberry.field(default=UNSET, description="What the endpoint is for.")


@strawberry.input(description="Only the fields you send change; `active: true` re-enables a disabled endpoint.")
class UpdateWebhookEndpointInput:
    id: relay.GlobalID
    version: int
    url: str | None = strawberry.field(default=UNSET, description="A new URL.")
    event_types: list[str] | None = strawberry.field(default=UNSET, description="The event types; empty: every type.")
    description: str | None = strawberry.field(default=UNSET, description="A new description.")
    active: bool | None = strawberry.field(default=UNSET, description="False disables it; true re-enables it.")


@strawberry.input(description="The endpoint to remove, with its delivery log.")
class DeleteWebhookEndpointInput:
    id: relay.GlobalID


@strawberry.input(description="The delivery to send again.")
class RedeliverWebhookInput:
    delivery_id: relay.GlobalID = strawberry.field(description="A WebhookDelivery id from webhookDeliveries.")


@strawberry.input(description="Only the settings you send change.")
class UpdateMyNotificationSettingsInput:
    email_enabled: bool | None = strawberry.field(default=UNSET, description="Notify by e-mail.")
    slack_enabled: bool | None = strawberry.field(default=UNSET, description="Notify on Slack (needs the URL).")
    slack_webhook_url: str | None = strawberry.field(default=UNSET, description="A Slack incoming-webhook URL.")
    alerts_enabled: bool | None = strawberry.field(default=UNSET, description="Send each new alert of your book.")
    digest_enabled: bool | None = strawberry.field(default=UNSET, description="Send a daily digest of your book.")


@strawberry.type
class CreateWebhookEndpointPayload:
    webhook_endpoint: WebhookEndpoint | None = strawberry.field(description="The endpoint created.")
    signing_key: str | None = strawberry.field(
        description="The endpoint's whsec_ key, answered only here: store it in the receiver to verify signatures."
    )
    user_errors: list[UserError]


@strawberry.type
class WebhookEndpointPayload:
    webhook_endpoint: WebhookEndpoint | None = strawberry.field(description="The endpoint as changed.")
    user_errors: list[UserError]


@strawberry.type
class DeleteWebhookEndpointPayload:
    deleted_id: relay.GlobalID | None = strawberry.field(description="The global id of the endpoint removed.")
    user_errors: list[UserError]


@strawberry.type
class RedeliverWebhookPayload:
    webhook_delivery: WebhookDelivery | None = strawberry.field(description="The delivery, pending again.")
    user_errors: list[UserError]


@strawberry.type
class UpdateMyNotificationSettingsPayload:
    notification_settings: NotificationSettings | None = strawberry.field(description="Your settings now.")
    user_errors: list[UserError]


def _created(row: models.WebhookEndpoint | None, errors: list[UserError]) -> CreateWebhookEndpointPayload:
    if row is None:
        return CreateWebhookEndpointPayload(webhook_endpoint=None, signing_key=None, user_errors=errors)
    return CreateWebhookEndpointPayload(
        webhook_endpoint=WebhookEndpoint.from_row(row), signing_key=row.signing_key, user_errors=errors
    )


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(
        description="Subscribe an endpoint to event types (admins only); answers its signing key once."
    )
    async def create_webhook_endpoint(
        self, info: Info, input: CreateWebhookEndpointInput
    ) -> CreateWebhookEndpointPayload:
        row, errors = await run(info, domain.CreateWebhookEndpoint, input, domain.create_webhook_endpoint)
        return _created(row, errors)

    @strawberry.mutation(description="Change an endpoint (admins only); `active: true` re-enables a disabled one.")
    async def update_webhook_endpoint(self, info: Info, input: UpdateWebhookEndpointInput) -> WebhookEndpointPayload:
        return await run_for_node(
            info,
            WebhookEndpointPayload,
            WebhookEndpoint,
            domain.UpdateWebhookEndpoint,
            input,
            domain.update_webhook_endpoint,
        )

    @strawberry.mutation(description="Remove an endpoint and its delivery log (admins only).")
    async def delete_webhook_endpoint(
        self, info: Info, input: DeleteWebhookEndpointInput
    ) -> DeleteWebhookEndpointPayload:
        row, errors = await run(
            info, domain.DeleteWebhookEndpoint, input, domain.delete_webhook_endpoint, "WebhookEndpoint"
        )
        deleted = None if row is None else relay.GlobalID("WebhookEndpoint", str(row.id))
        return DeleteWebhookEndpointPayload(deleted_id=deleted, user_errors=errors)

    @strawberry.mutation(
        description="Send a delivery again at the next delivery pass, with fresh attempts (admins only)."
    )
    async def redeliver_webhook(self, info: Info, input: RedeliverWebhookInput) -> RedeliverWebhookPayload:
        return await run_for_node(
            info, RedeliverWebhookPayload, WebhookDelivery, domain.RedeliverWebhook, input, domain.redeliver_webhook
        )

    @strawberry.mutation(description="Change where you hear about your book: e-mail, Slack, alerts, daily digest.")
    async def update_my_notification_settings(
        self, info: Info, input: UpdateMyNotificationSettingsInput
    ) -> UpdateMyNotificationSettingsPayload:
        row, errors = await run(info, UpdateNotificationSettings, input, update_notification_settings)
        settings = None if row is None else NotificationSettings.from_row(row)
        return UpdateMyNotificationSettingsPayload(notification_settings=settings, user_errors=errors)
