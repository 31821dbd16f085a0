"""Webhooks and notification settings over the real GraphQL API."""

from __future__ import annotations

from sqlalchemy import select

from acctgraph import models as m
from acctgraph.graphql.ids import to_global_id
from tests.api.mutation_cases import mutate

CREATE = "webhookEndpoint { id url eventTypes active version } signingKey"


async def test_an_admin_subscribes_an_endpoint_and_sees_its_signing_key_once(graphql, sample):
    payload = await mutate(
        graphql, "createWebhookEndpoint", {"url": "https://hooks.example.com/x", "eventTypes": ["task.created"]}, CREATE
    )
    assert payload["userErrors"] == []
    assert payload["signingKey"].startswith("whsec_")
    stored = sample.session.scalars(select(m.WebhookEndpoint)).one()
    assert payload["signingKey"] == stored.signing_key
    assert payload["webhookEndpoint"]["eventTypes"] == ["task.created"]
    listed = await graphql.data("{ webhookEndpoints(first: 10) { nodes { id url active } } }")
    assert listed["webhookEndpoints"]["nodes"] == [
        {"id": payload["webhookEndpoint"]["id"], "url": "https://hooks.example.com/x", "active": True}
    ]


async def test_bad_endpoints_are_refused_with_user_errors(graphql, sample):
    bad_url = await mutate(graphql, "createWebhookEndpoint", {"url": "ftp://hooks.example.com"}, CREATE)
    bad_type = await mutate(
        graphql, "createWebhookEndpoint", {"url": "https://h.example.com", "eventTypes": ["task.exploded"]}, CREATE
    )
    assert [(e["field"], e["code"]) for e in bad_url["userErrors"]] == [("url", "INVALID")]
    assert [(e["field"], e["code"]) for e in bad_type["userErrors"]] == [("eventTypes", "INVALID")]
    assert "task.exploded" in bad_type["userErrors"][0]["message"]
    assert sample.session.scalars(select(m.WebhookEndpoint)).all() == []


async def test_webhooks_are_for_admins_only(graphql, sample):
    manager = sample.user(role=m.Role.MANAGER)
    sample.session.commit()
    client = graphql.acting_as(manager)
    result = await client.execute("{ webhookDeliveries(first: 5) { totalCount } }")
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    result = await client.execute(
        'mutation { createWebhookEndpoint(input: {url: "https://h.example.com"}) { signingKey } }'
    )
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"


DELIVERIES = """
query($first: Int!, $filter: WebhookDeliveryFilter) {
  webhookDeliveries(first: $first, filter: $filter) {
    totalCount
    nodes { id status attempts responseCode error endpoint { url } event { messageId type payload } }
  }
}
"""


async def test_the_delivery_log_is_a_filtered_connection_with_constant_statements(graphql, sample):
    endpoints = [sample.webhook_endpoint() for _ in range(3)]
    for index in range(30):
        sample.webhook_delivery(
            endpoints[index % 3],
            status=m.DeliveryStatus.FAILED if index % 5 == 0 else m.DeliveryStatus.DELIVERED,
            response_code=500 if index % 5 == 0 else 200,
        )
    sample.session.commit()

    small = await graphql.data(DELIVERIES, {"first": 2})
    small_count = len(graphql.statements)
    large = await graphql.data(DELIVERIES, {"first": 30})
    large_count = len(graphql.statements)
    failed = await graphql.data(DELIVERIES, {"first": 30, "filter": {"statuses": ["FAILED"]}})
    first_endpoint = await graphql.data(
        DELIVERIES, {"first": 30, "filter": {"endpointId": to_global_id("WebhookEndpoint", endpoints[0].id)}}
    )

    assert large["webhookDeliveries"]["totalCount"] == 30
    assert len(small["webhookDeliveries"]["nodes"]) == 2
    assert small_count == large_count  # deliveries, count, endpoints, events: batched
    assert failed["webhookDeliveries"]["totalCount"] == 6
    assert {node["responseCode"] for node in failed["webhookDeliveries"]["nodes"]} == {500}
    assert first_endpoint["webhookDeliveries"]["totalCount"] == 10
    assert {n["endpoint"]["url"] for n in first_endpoint["webhookDeliveries"]["nodes"]} == {endpoints[0].url}
    assert large["webhookDeliveries"]["nodes"][0]["event"]["messageId"].startswith("evt_")


async def test_redelivering_makes_a_delivery_pending_again(graphql, sample):
    delivery = sample.webhook_delivery()
    sample.session.commit()
    payload = await mutate(
        graphql,
        "redeliverWebhook",
        {"deliveryId": to_global_id("WebhookDelivery", delivery.id)},
        "webhookDelivery { status attempts }",
    )
    assert payload["webhookDelivery"] == {"status": "PENDING", "attempts": 0}


async def test_redelivering_to_a_disabled_endpoint_says_to_re_enable_it(graphql, sample):
    endpoint = sample.webhook_endpoint(active=False, disabled_reason="disabled after 40 failed attempts")
    delivery = sample.webhook_delivery(endpoint)
    sample.session.commit()
    payload = await mutate(graphql, "redeliverWebhook", {"deliveryId": to_global_id("WebhookDelivery", delivery.id)})
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("deliveryId", "ENDPOINT_DISABLED")]


SETTINGS = "{ myNotificationSettings { emailEnabled slackEnabled slackWebhookUrl alertsEnabled digestEnabled } }"


async def test_each_user_sets_their_own_notification_settings(graphql, sample):
    viewer = sample.user(role=m.Role.VIEWER)
    sample.session.commit()
    client = graphql.acting_as(viewer)
    before = await client.data(SETTINGS)
    payload = await mutate(
        client,
        "updateMyNotificationSettings",
        {"slackEnabled": True, "slackWebhookUrl": "https://hooks.slack.com/services/T0/B0/x", "digestEnabled": True},
        "notificationSettings { slackEnabled digestEnabled }",
    )
    after = await client.data(SETTINGS)
    refused = await mutate(client, "updateMyNotificationSettings", {"slackWebhookUrl": None})

    assert before["myNotificationSettings"] == {
        "emailEnabled": False,
        "slackEnabled": False,
        "slackWebhookUrl": None,
        "alertsEnabled": True,
        "digestEnabled": False,
    }
    assert payload["notificationSettings"] == {"slackEnabled": True, "digestEnabled": True}
    assert after["myNotificationSettings"]["slackWebhookUrl"] == "https://hooks.slack.com/services/T0/B0/x"
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [("slackWebhookUrl", "REQUIRED")]
    stored = sample.session.get(m.NotificationSettings, viewer.id)
    assert stored.slack_webhook_url == "https://hooks.slack.com/services/T0/B0/x"
