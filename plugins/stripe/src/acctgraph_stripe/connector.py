"""The Stripe connector: customers, products, subscriptions (contracts with their lines) and invoices.

A first read lists every object (``starting_after`` paging, newest first, checkpointed each page).
Later reads follow Stripe's events list from the saved cursor: ``<type>.created/updated/deleted``
carry the object as it became, so updates and deletes arrive, not only new objects. Events come
newest first, so the newest snapshot of each object wins and the cursor is checkpointed once, at the
end of the events. Stripe keeps events 30 days: an older cursor lists everything again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import Field, SecretStr

from acctgraph.integration.connector import (
    Checkpoint,
    ConnectorConfig,
    Message,
    Stream,
    StreamState,
    Tombstone,
)
from acctgraph.integration.errors import ConnectorError
from acctgraph.integration.http import HttpClient, paginate
from acctgraph.integration.http_connector import HttpConnector, HttpStream, map_or_reject
from acctgraph.integration.records import Entity
from acctgraph_stripe import mapping

EVENT_RETENTION = timedelta(days=30) - timedelta(hours=1)


class StripeConfig(ConnectorConfig):
    api_key: SecretStr = Field(description="A restricted key with read access (rk_live_...) or a secret key")
    base_url: str = Field(default="https://api.stripe.com", description="Only changed for tests")
    page_size: int = Field(default=100, ge=1, le=100)


@dataclass(frozen=True)
class StripeObject:
    """How one Stripe object type is listed, followed through events and mapped."""

    stream: str
    entity: Entity
    path: str
    event_prefix: str
    hard_deletes: bool
    to_record: Callable[[dict[str, Any]], dict[str, Any]] | None  # None: a subscription, mapped with its items
    list_params: tuple[tuple[str, str], ...] = ()


OBJECTS = (
    StripeObject("customers", Entity.ACCOUNT, "/v1/customers", "customer", True, mapping.account),
    StripeObject("products", Entity.PRODUCT, "/v1/products", "product", True, mapping.product),
    # Canceling is Stripe's "delete" of a subscription: it stays, canceled (customer.subscription.deleted).
    StripeObject(
        "subscriptions",
        Entity.CONTRACT,
        "/v1/subscriptions",
        "customer.subscription",
        False,
        None,
        (("status", "all"), ("expand[]", "data.discounts.source.coupon")),
    ),
    StripeObject("invoices", Entity.INVOICE, "/v1/invoices", "invoice", True, mapping.invoice),
)
BY_STREAM = {spec.stream: spec for spec in OBJECTS}


class StripeConnector(HttpConnector[StripeConfig]):
    name = "stripe"
    version = "0.1.0"
    config_model = StripeConfig
    description = "Stripe billing: customers, products, subscriptions as contracts with lines, invoices."
    vendor = "Stripe"
    credentials = "the API key"
    check_path = "/v1/customers"
    check_params = {"limit": 1}
    cursor_field = "stripe_created"

    def base_url(self, config: StripeConfig) -> str:
        return config.base_url

    def headers(self, config: StripeConfig) -> dict[str, str]:
        return {"Authorization": f"Bearer {config.api_key.get_secret_value()}"}

    def http_streams(self, config: StripeConfig) -> list[HttpStream]:
        return [
            HttpStream(
                spec.stream,
                spec.entity,
                f"Stripe {spec.path.removeprefix('/v1/')}; changes through {spec.event_prefix}.* events",
            )
            for spec in OBJECTS
        ]

    def read_stream(
        self, client: HttpClient, stream: Stream, config: StripeConfig, state: StreamState
    ) -> Iterator[Message]:
        reader = _Reader(client, BY_STREAM[stream.name], config.page_size)
        listing = "listing_since" in state.resume
        if listing or state.cursor is None or state.cursor < datetime.now(UTC) - EVENT_RETENTION:
            yield from reader.listing(state)
        else:
            yield from reader.events(state.cursor)


class _Reader:
    """One read of one stream: listing pages or following events, with one HTTP client."""

    def __init__(self, client: HttpClient, spec: StripeObject, page_size: int) -> None:
        self.client, self.spec, self.page_size = client, spec, page_size

    def listing(self, state: StreamState) -> Iterator[Message]:
        """Every object, a checkpoint per page; the cursor is the newest event before the listing began."""
        since = state.resume.get("listing_since") or self._newest_event_time().isoformat()
        params = dict(self.spec.list_params)
        for page in paginate(lambda after: self._page(self.spec.path, params, after), self._resume_position(state)):
            yield from self._records(page.items)
            resume = {"listing_since": since, "starting_after": page.next_token} if page.next_token else {}
            yield Checkpoint(cursor=datetime.fromisoformat(since), resume=resume)

    def events(self, since: datetime) -> Iterator[Message]:
        """Every ``<prefix>.*`` event since ``since`` (``invoice.paid`` as much as ``invoice.updated``);
        ``customer.*`` also matches ``customer.subscription.*`` and ``customer.discount.*``, so events are
        kept only when they carry this stream's object."""
        params = {"type": f"{self.spec.event_prefix}.*", "created[gte]": int(since.timestamp())}
        object_name = self.spec.event_prefix.rsplit(".", 1)[-1]
        seen: set[str] = set()
        newest = since
        for page in paginate(lambda after: self._page("/v1/events", params, after)):
            for event in page.items:
                newest = max(newest, mapping.moment(event["created"]))
                stripe_object = event["data"]["object"]
                if stripe_object.get("object") != object_name or stripe_object["id"] in seen:
                    continue  # another object's event, or an older snapshot of an object already read
                seen.add(stripe_object["id"])
                if event["type"].endswith(".deleted") and self.spec.hard_deletes:
                    yield Tombstone(stripe_object["id"], mapping.moment(event["created"]))
                else:
                    yield from self._records([stripe_object])
        yield Checkpoint(cursor=newest)

    def _page(self, path: str, params: dict[str, Any], after: str | None) -> tuple[list[dict[str, Any]], str | None]:
        query = {**params, "limit": self.page_size, **({"starting_after": after} if after else {})}
        answer = self.client.get_json(path, params=query)
        items = answer["data"]
        return items, (items[-1]["id"] if answer["has_more"] and items else None)

    def _resume_position(self, state: StreamState) -> str | None:
        """Where an interrupted listing resumes: after its last object, unless that object was deleted
        since (no position to list after), then from the top again."""
        after = state.resume.get("starting_after")
        if after is None:
            return None
        try:
            deleted = self.client.get_json(f"{self.spec.path}/{after}").get("deleted", False)
        except ConnectorError as error:
            if type(error) is not ConnectorError:  # bad key, outage, rate limit: not about the position
                raise
            deleted = True  # 404: no such object
        return None if deleted else after

    def _newest_event_time(self) -> datetime:
        """Stripe's own clock: the newest event's time (ours if the account has no events yet)."""
        newest = self.client.get_json("/v1/events", params={"limit": 1})["data"]
        return mapping.moment(newest[0]["created"]) if newest else datetime.now(UTC)

    def _records(self, stripe_objects: list[dict[str, Any]]) -> Iterator[Message]:
        to_record = self.spec.to_record or self._contract
        for stripe_object in stripe_objects:
            yield map_or_reject(to_record, stripe_object, f"Stripe {stripe_object.get('object')}")

    def _contract(self, subscription: dict[str, Any]) -> dict[str, Any]:
        """A subscription as a contract, with its discounts' coupons and all its items."""
        subscription = self._with_coupons(subscription)
        return mapping.contract(subscription, self._items(subscription))

    def _with_coupons(self, subscription: dict[str, Any]) -> dict[str, Any]:
        """The subscription with its discounts' coupons, which MRR needs: an event's snapshot has only ids."""
        if all(isinstance(discount, dict) for discount in subscription.get("discounts") or ()):
            return subscription
        params = {"expand[]": "discounts.source.coupon"}
        return self.client.get_json(f"/v1/subscriptions/{subscription['id']}", params=params)  # type: ignore[no-any-return]

    def _items(self, subscription: dict[str, Any]) -> list[dict[str, Any]]:
        """All of a subscription's items: Stripe embeds only the first 10."""
        embedded = subscription["items"]
        if not embedded.get("has_more"):
            return embedded["data"]
        params = {"subscription": subscription["id"]}
        return [
            item
            for page in paginate(lambda after: self._page("/v1/subscription_items", params, after))
            for item in page.items
        ]
