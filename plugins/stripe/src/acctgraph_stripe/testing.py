"""A local stand-in for Stripe's API: the list endpoints the connector reads, in Stripe's shapes.

Objects are shaped like Stripe's own fixtures (openapi/fixtures3.json): lists are
``{"object": "list", "data", "has_more", "url"}``, newest first, paged with ``starting_after``;
every change is also recorded as an event (``customer.updated``, ``customer.subscription.deleted``...)
carrying the object's snapshot and, for updates, ``previous_attributes``.
"""

from __future__ import annotations

import copy
import itertools
import time
from fnmatch import fnmatch
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp

from acctgraph.testing.http import VendorControls, vendor_app

API_KEY = "sk_test_acctgraph"
EVENT_PREFIX = {
    "customer": "customer",
    "product": "product",
    "subscription": "customer.subscription",
    "invoice": "invoice",
}
LIST_PATHS = {"customers": "customer", "products": "product", "subscriptions": "subscription", "invoices": "invoice"}


def stripe_error(status: int, kind: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"type": kind, "message": message}}, status_code=status)


class FakeStripe:
    """Stripe's data for one account, changed by tests between syncs through the methods below."""

    def __init__(self, api_key: str = API_KEY) -> None:
        self.api_key = api_key
        self.controls = VendorControls()
        self.base_url = ""  # set by ``acctgraph.testing.http.serving``
        self.now = int(time.time()) - 3600  # Stripe keeps events 30 days: a clock near the real one
        self.objects: dict[str, dict[str, dict[str, Any]]] = {kind: {} for kind in EVENT_PREFIX}
        self.events: list[dict[str, Any]] = []
        self.deleted: set[str] = set()
        self.discounts: dict[str, dict[str, Any]] = {}
        self._serial = itertools.count(1)

    # --- changes a test makes ------------------------------------------------------------------

    def tick(self, seconds: int = 60) -> None:
        self.now += seconds

    def add_customer(self, name: str, email: str | None = None, **fields: Any) -> dict[str, Any]:
        customer: dict[str, Any] = {
            "id": self._id("cus"),
            "object": "customer",
            "address": None,
            "balance": 0,
            "created": self.now,
            "currency": "usd",
            "default_source": None,
            "delinquent": False,
            "description": None,
            "discount": None,
            "email": email,
            "invoice_prefix": "7FE1103",
            "livemode": False,
            "metadata": {},
            "name": name,
            "phone": None,
            "preferred_locales": [],
            "tax_exempt": "none",
            "test_clock": None,
        }
        return self._created({**customer, **fields})

    def add_product(self, name: str, **fields: Any) -> dict[str, Any]:
        product = {
            "id": self._id("prod"),
            "object": "product",
            "active": True,
            "created": self.now,
            "default_price": None,
            "description": None,
            "images": [],
            "livemode": False,
            "metadata": {},
            "name": name,
            "tax_code": None,
            "type": "service",
            "unit_label": None,
            "updated": self.now,
            "url": None,
        }
        return self._created({**product, **fields})

    def add_subscription(
        self, customer: str, items: list[tuple[str, int, int]], interval: str = "month", **fields: Any
    ) -> dict[str, Any]:
        """A subscription of ``items``: (product id, unit amount per interval in cents, quantity)."""
        subscription_id = self._id("sub")
        period_end = self.now + (365 if interval == "year" else 30) * 86_400
        subscription: dict[str, Any] = {
            "id": subscription_id,
            "object": "subscription",
            "application": None,
            "billing_cycle_anchor": self.now,
            "cancel_at": None,
            "cancel_at_period_end": False,
            "canceled_at": None,
            "collection_method": "charge_automatically",
            "created": self.now,
            "currency": "usd",
            "customer": customer,
            "days_until_due": None,
            "default_payment_method": None,
            "description": None,
            "discounts": [],
            "ended_at": None,
            "items": self._item_list(subscription_id, items, interval, period_end),
            "latest_invoice": None,
            "livemode": False,
            "metadata": {},
            "start_date": self.now,
            "status": "active",
            "test_clock": None,
            "trial_end": None,
            "trial_start": None,
        }
        return self._created({**subscription, **fields})

    def add_invoice(self, customer: str, subscription: str | None, total: int, **fields: Any) -> dict[str, Any]:
        invoice_id = self._id("in")
        invoice = {
            "id": invoice_id,
            "object": "invoice",
            "account_country": "US",
            "amount_due": total,
            "amount_paid": 0,
            "amount_remaining": total,
            "attempt_count": 0,
            "attempted": False,
            "billing_reason": "subscription_cycle",
            "collection_method": "send_invoice",
            "created": self.now,
            "currency": "usd",
            "customer": customer,
            "description": None,
            "due_date": self.now + 30 * 86_400,
            "hosted_invoice_url": None,
            "livemode": False,
            "metadata": {},
            "number": f"ACME-{next(self._serial):04d}",
            "parent": self._invoice_parent(subscription),
            "period_end": self.now,
            "period_start": self.now - 30 * 86_400,
            "status": "open",
            "status_transitions": {
                "finalized_at": self.now,
                "marked_uncollectible_at": None,
                "paid_at": None,
                "voided_at": None,
            },
            "subtotal": total,
            "total": total,
        }
        return self._created({**invoice, **fields})

    def update(self, kind: str, object_id: str, **fields: Any) -> dict[str, Any]:
        """Change fields of an object; records ``<type>.updated`` with the previous values."""
        current = self.objects[kind][object_id]
        previous = {name: copy.deepcopy(current.get(name)) for name in fields}
        current.update(fields)
        self._event(f"{EVENT_PREFIX[kind]}.updated", current, previous)
        return current

    def replace_items(self, subscription_id: str, items: list[tuple[str, int, int]], interval: str = "month") -> None:
        """Swap a subscription's items, as an upgrade does: the old items are deleted."""
        subscription = self.objects["subscription"][subscription_id]
        period_end = subscription["items"]["data"][0]["current_period_end"]
        self.update(
            "subscription", subscription_id, items=self._item_list(subscription_id, items, interval, period_end)
        )

    def set_quantity(self, subscription_id: str, index: int, quantity: int) -> None:
        """Change one item's quantity in place (same item id), as an upgrade of seats does."""
        subscription = self.objects["subscription"][subscription_id]
        items = copy.deepcopy(subscription["items"])
        items["_all"][index]["quantity"] = quantity
        items["data"] = items["_all"][:10]
        self.update("subscription", subscription_id, items=items)

    def add_discount(self, subscription_id: str, **coupon_fields: Any) -> dict[str, Any]:
        """Apply a coupon (``percent_off=20`` or ``amount_off=5000``, ``duration``) to a subscription. Like
        Stripe, the subscription (and its events) name the discount by id; listing or retrieving with
        ``expand[]=...discounts.source.coupon`` embeds it with its coupon."""
        coupon = {
            "id": self._id("coupon"),
            "object": "coupon",
            "amount_off": None,
            "currency": None,
            "duration": "forever",
            "duration_in_months": None,
            "percent_off": None,
            "valid": True,
            **coupon_fields,
        }
        discount: dict[str, Any] = {
            "id": self._id("di"),
            "object": "discount",
            "end": None,
            "start": self.now,
            "subscription": subscription_id,
            "subscription_item": None,
            "source": {"coupon": coupon, "type": "coupon"},
        }
        self.discounts[discount["id"]] = discount
        current = self.objects["subscription"][subscription_id]["discounts"]
        self.update("subscription", subscription_id, discounts=[*current, discount["id"]])
        return discount

    def remove_discounts(self, subscription_id: str) -> None:
        self.update("subscription", subscription_id, discounts=[])

    def cancel_subscription(self, subscription_id: str) -> None:
        """Stripe's DELETE /v1/subscriptions/{id}: the subscription stays, canceled."""
        subscription = self.objects["subscription"][subscription_id]
        subscription.update(status="canceled", canceled_at=self.now, ended_at=self.now)
        self._event("customer.subscription.deleted", subscription)

    def pay(self, invoice_id: str) -> None:
        """A payment: Stripe records ``invoice.paid`` (no ``invoice.updated``)."""
        invoice = self.objects["invoice"][invoice_id]
        invoice.update(status="paid", amount_paid=invoice["total"], amount_remaining=0)
        invoice["status_transitions"]["paid_at"] = self.now
        self._event("invoice.paid", invoice)

    def void(self, invoice_id: str, dated: bool = True) -> None:
        """POST /v1/invoices/{id}/void: Stripe records ``invoice.voided`` and ``status_transitions.voided_at``
        (``dated=False`` leaves the date out, as a source that does not report it would)."""
        invoice = self.objects["invoice"][invoice_id]
        invoice.update(status="void", amount_remaining=0)
        invoice["status_transitions"]["voided_at"] = self.now if dated else None
        self._event("invoice.voided", invoice)

    def delete(self, kind: str, object_id: str) -> None:
        """Delete an object for good (customers, products, draft invoices); records ``<type>.deleted``."""
        removed = self.objects[kind].pop(object_id)
        self.deleted.add(object_id)
        self._event(f"{EVENT_PREFIX[kind]}.deleted", {**removed, "deleted": True})

    def connector_config(self) -> dict[str, Any]:
        """The Stripe connector's configuration for this stand-in (small pages, so tests cross them)."""
        return {"api_key": self.api_key, "base_url": self.base_url, "page_size": 2}

    # --- the HTTP API --------------------------------------------------------------------------

    def app(self) -> ASGIApp:
        routes = [Route(f"/v1/{path}", self._list_objects) for path in LIST_PATHS]
        routes += [Route(f"/v1/{path}/{{object_id}}", self._retrieve) for path in LIST_PATHS]
        routes += [Route("/v1/subscription_items", self._list_items), Route("/v1/events", self._list_events)]
        return vendor_app(
            routes,
            self.controls,
            self._authorized,
            unauthorized=lambda: stripe_error(401, "invalid_request_error", "Invalid API Key provided: sk_test_****"),
            throttled=lambda _: stripe_error(429, "rate_limit_error", "Too many requests hit the API too quickly."),
        )

    def _authorized(self, request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {self.api_key}"

    async def _list_objects(self, request: Request) -> JSONResponse:
        kind = LIST_PATHS[request.url.path.removeprefix("/v1/")]
        objects = list(self.objects[kind].values())
        if kind == "subscription" and request.query_params.get("status") != "all":
            objects = [o for o in objects if o["status"] != "canceled"]  # Stripe's default for this list
        return self._page(request, _created_filter(request, objects))

    async def _retrieve(self, request: Request) -> JSONResponse:
        kind = LIST_PATHS[request.url.path.split("/")[2]]
        object_id = request.path_params["object_id"]
        if object_id in self.deleted:  # Stripe still answers for a deleted customer or product
            return JSONResponse({"id": object_id, "object": kind, "deleted": True})
        stripe_object = self.objects[kind].get(object_id)
        if stripe_object is None:
            return stripe_error(404, "invalid_request_error", f"No such {kind}: '{request.path_params['object_id']}'")
        return JSONResponse(self._expanded(request, _public(stripe_object)))

    async def _list_items(self, request: Request) -> JSONResponse:
        subscription = self.objects["subscription"].get(request.query_params.get("subscription", ""))
        if subscription is None:
            return stripe_error(400, "invalid_request_error", "Missing or unknown subscription")
        return self._page(request, subscription["items"]["_all"])

    async def _list_events(self, request: Request) -> JSONResponse:
        types = set(request.query_params.getlist("types[]"))
        pattern = request.query_params.get("type", "*")  # one type, or a wildcard like invoice.*
        events = [e for e in self.events if (not types or e["type"] in types) and fnmatch(e["type"], pattern)]
        return self._page(request, _created_filter(request, events))

    def _page(self, request: Request, objects: list[dict[str, Any]]) -> JSONResponse:
        """Newest first; ``starting_after`` is the id of the last object of the previous page."""
        objects = sorted(objects, key=lambda o: (o["created"], o["_serial"]), reverse=True)
        after = request.query_params.get("starting_after")
        if after is not None:
            ids = [o["id"] for o in objects]
            if after not in ids:
                return stripe_error(400, "invalid_request_error", f"No such object: '{after}'")
            objects = objects[ids.index(after) + 1 :]
        limit = min(int(request.query_params.get("limit", "10")), 100)
        data = [self._expanded(request, _public(o)) for o in objects[:limit]]
        return JSONResponse({"object": "list", "data": data, "has_more": len(objects) > limit, "url": request.url.path})

    def _expanded(self, request: Request, stripe_object: dict[str, Any]) -> dict[str, Any]:
        """Embed discounts when asked (``expand[]=discounts.source.coupon``, or ``data.`` of it on a list)."""
        wanted = {path.removeprefix("data.") for path in request.query_params.getlist("expand[]")}
        if "discounts.source.coupon" in wanted and stripe_object.get("discounts"):
            stripe_object["discounts"] = [copy.deepcopy(self.discounts[d]) for d in stripe_object["discounts"]]
        return stripe_object

    # --- building blocks -----------------------------------------------------------------------

    def _id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._serial):014d}"

    def _created(self, stripe_object: dict[str, Any]) -> dict[str, Any]:
        stripe_object["_serial"] = next(self._serial)
        self.objects[stripe_object["object"]][stripe_object["id"]] = stripe_object
        self._event(f"{EVENT_PREFIX[stripe_object['object']]}.created", stripe_object)
        return stripe_object

    def _event(self, event_type: str, stripe_object: dict[str, Any], previous: dict[str, Any] | None = None) -> None:
        data: dict[str, Any] = {"object": _public(stripe_object)}
        if previous is not None:
            data["previous_attributes"] = previous
        self.events.append(
            {
                "id": self._id("evt"),
                "object": "event",
                "api_version": "2025-09-30.clover",
                "created": self.now,
                "data": data,
                "livemode": False,
                "pending_webhooks": 0,
                "request": {"id": None, "idempotency_key": None},
                "type": event_type,
                "_serial": next(self._serial),
            }
        )

    def _item_list(
        self, subscription_id: str, items: list[tuple[str, int, int]], interval: str, period_end: int
    ) -> dict[str, Any]:
        """Stripe embeds the first 10 items in the subscription; the rest come from /v1/subscription_items."""
        data = [self._item(subscription_id, *item, interval, period_end) for item in items]
        return {
            "object": "list",
            "data": data[:10],
            "has_more": len(data) > 10,
            "url": f"/v1/subscription_items?subscription={subscription_id}",
            "_all": data,
        }

    def _item(
        self, subscription_id: str, product: str, unit_amount: int, quantity: int, interval: str, period_end: int
    ) -> dict[str, Any]:
        price = {
            "id": self._id("price"),
            "object": "price",
            "active": True,
            "billing_scheme": "per_unit",
            "created": self.now,
            "currency": "usd",
            "livemode": False,
            "lookup_key": None,
            "metadata": {},
            "nickname": None,
            "product": product,
            "tax_behavior": "unspecified",
            "tiers_mode": None,
            "recurring": {
                "interval": interval,
                "interval_count": 1,
                "meter": None,
                "trial_period_days": None,
                "usage_type": "licensed",
            },
            "type": "recurring",
            "unit_amount": unit_amount,
            "unit_amount_decimal": str(unit_amount),
        }
        return {
            "id": self._id("si"),
            "object": "subscription_item",
            "created": self.now,
            "current_period_start": self.now,
            "current_period_end": period_end,
            "discounts": [],
            "metadata": {},
            "price": price,
            "quantity": quantity,
            "subscription": subscription_id,
            "tax_rates": [],
            "_serial": next(self._serial),
        }

    def _invoice_parent(self, subscription: str | None) -> dict[str, Any] | None:
        if subscription is None:
            return None
        return {
            "type": "subscription_details",
            "quote_details": None,
            "subscription_details": {"metadata": {}, "subscription": subscription},
        }


def _created_filter(request: Request, objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stripe's ``created[gte]`` / ``created[gt]`` / ``created[lt]`` / ``created[lte]`` filters."""
    bounds = {
        "gte": lambda value, bound: value >= bound,
        "gt": lambda value, bound: value > bound,
        "lte": lambda value, bound: value <= bound,
        "lt": lambda value, bound: value < bound,
    }
    for name, keep in bounds.items():
        if (bound := request.query_params.get(f"created[{name}]")) is not None:
            objects = [o for o in objects if keep(o["created"], int(bound))]
    return objects


def _public(stripe_object: dict[str, Any]) -> dict[str, Any]:
    """The object as Stripe serialises it: without this stand-in's bookkeeping keys."""
    public = {key: copy.deepcopy(value) for key, value in stripe_object.items() if not key.startswith("_")}
    if isinstance(public.get("items"), dict):
        public["items"] = {key: value for key, value in public["items"].items() if not key.startswith("_")}
        public["items"]["data"] = [_public(item) for item in public["items"]["data"]]
    return public
