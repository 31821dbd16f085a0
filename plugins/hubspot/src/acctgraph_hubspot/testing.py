"""A local stand-in for HubSpot's CRM v3 API: objects, their search endpoint and associations.

Shapes follow HubSpot's API reference: an object is ``{"id", "properties", "createdAt", "updatedAt",
"archived"}``; ``POST /crm/v3/objects/{type}/search`` answers ``{"total", "results", "paging":
{"next": {"after", "link"}}}`` and, like HubSpot, refuses to page past ``search_window`` results
(10,000) with a 400; archived objects only come from ``GET /crm/v3/objects/{type}?archived=true``;
associations from ``POST /crm/v4/associations/{from}/{to}/batch/read``. Writes:
``POST /crm/v3/objects/{type}/batch/upsert`` (inputs ``{"idProperty", "id", "properties"}``; the
``idProperty`` must be a unique-value property of the type) answers ``{"status": "COMPLETE", "results":
[{..., "new"}]}``, and ``PUT /crm/v4/objects/{type}/{id}/associations/default/{toType}/{toId}`` associates;
errors are ``{"status": "error", "message", "correlationId", "category"}``.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp

from acctgraph.testing.http import VendorControls, vendor_app
from acctgraph_hubspot.mapping import modified_property

TOKEN = "pat-na1-acctgraph-test"
START = datetime(2026, 1, 1, tzinfo=UTC)
OBJECT_TYPES = ("companies", "contacts", "deals", "calls", "emails", "meetings", "notes", "tasks")
ENGAGEMENT_TYPES = ("calls", "emails", "meetings", "notes", "tasks")
OPERATORS = {
    "EQ": lambda value, bound: value == bound,
    "NEQ": lambda value, bound: value != bound,
    "GT": lambda value, bound: value > bound,
    "GTE": lambda value, bound: value >= bound,
    "LT": lambda value, bound: value < bound,
    "LTE": lambda value, bound: value <= bound,
}


def created_property(object_type: str) -> str:
    return "hs_createdate" if object_type in ENGAGEMENT_TYPES else "createdate"


def hubspot_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def hubspot_error(status: int, category: str, message: str) -> JSONResponse:
    body = {
        "status": "error",
        "message": message,
        "correlationId": "00000000-0000-0000-0000-000000000000",
        "category": category,
    }
    return JSONResponse(body, status_code=status)


class FakeHubSpot:
    """One HubSpot portal's CRM, changed by tests between syncs through the methods below."""

    def __init__(self, token: str = TOKEN, search_window: int = 10_000) -> None:
        self.token = token
        self.search_window = search_window
        self.controls = VendorControls()
        self.base_url = ""  # set by ``acctgraph.testing.http.serving``
        self.now = START
        self.objects: dict[str, dict[str, dict[str, Any]]] = {kind: {} for kind in OBJECT_TYPES}
        self.associations: dict[tuple[str, str], dict[str, list[str]]] = {}
        self._ids = itertools.count(1001)
        self.unique_properties = {kind: {"acctgraph_id"} for kind in ENGAGEMENT_TYPES}
        self.refuse_writes: str | None = None  # a validation message: every upsert is refused with it
        self.slow_writes = 0  # the next upserts are applied, then answered only after slow_seconds
        self.slow_seconds = 2.0

    # --- changes a test makes ------------------------------------------------------------------

    def tick(self, seconds: float = 60) -> None:
        self.now += timedelta(seconds=seconds)

    def add(self, object_type: str, properties: dict[str, Any], companies: Sequence[str] = ()) -> dict[str, Any]:
        """Create an object (associated with ``companies``), stamped with the current time."""
        object_id, stamp = str(next(self._ids)), hubspot_time(self.now)
        system = {
            "hs_object_id": object_id,
            created_property(object_type): stamp,
            modified_property(object_type): stamp,
        }
        record = {
            "id": object_id,
            "properties": {**properties, **system},
            "createdAt": stamp,
            "updatedAt": stamp,
            "archived": False,
        }
        self.objects[object_type][object_id] = record
        if companies:
            self.associations.setdefault((object_type, "companies"), {})[object_id] = list(companies)
        return record

    def update(self, object_type: str, object_id: str, **properties: Any) -> dict[str, Any]:
        record = self.objects[object_type][object_id]
        stamp = hubspot_time(self.now)
        record["properties"].update(properties, **{modified_property(object_type): stamp})
        record["updatedAt"] = stamp
        return record

    def archive(self, object_type: str, object_id: str) -> None:
        """HubSpot's delete: the object leaves search and lists, and shows in ``?archived=true``."""
        record = self.objects[object_type][object_id]
        record.update(archived=True, archivedAt=hubspot_time(self.now))

    def connector_config(self) -> dict[str, Any]:
        """The HubSpot connector's configuration for this stand-in (small pages and search window)."""
        return {
            "access_token": self.token,
            "base_url": self.base_url,
            "page_size": 2,
            "search_results_limit": self.search_window,
        }

    # --- the HTTP API --------------------------------------------------------------------------

    def app(self) -> ASGIApp:
        routes = [
            Route("/crm/v3/objects/{object_type}/batch/upsert", self._upsert, methods=["POST"]),
            Route(
                "/crm/v4/objects/{from_type}/{from_id}/associations/default/{to_type}/{to_id}",
                self._associate,
                methods=["PUT"],
            ),
            Route("/crm/v3/objects/{object_type}/search", self._search, methods=["POST"]),
            Route("/crm/v3/objects/{object_type}", self._list),
            Route("/crm/v4/associations/{from_type}/{to_type}/batch/read", self._associations, methods=["POST"]),
        ]
        return vendor_app(
            routes,
            self.controls,
            self._authorized,
            unauthorized=lambda: hubspot_error(
                401,
                "INVALID_AUTHENTICATION",
                "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
            ),
            throttled=lambda _: hubspot_error(429, "RATE_LIMITS", "You have reached your ten_secondly_rolling limit."),
        )

    def _authorized(self, request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {self.token}"

    def written(self, object_type: str) -> list[dict[str, Any]]:
        """The objects of ``object_type`` that carry an ``acctgraph_id`` (those acctgraph wrote)."""
        return [r for r in self.objects[object_type].values() if r["properties"].get("acctgraph_id")]

    def companies_of(self, object_type: str, object_id: str) -> list[str]:
        return self.associations.get((object_type, "companies"), {}).get(object_id, [])

    async def _upsert(self, request: Request) -> JSONResponse:
        object_type = request.path_params["object_type"]
        if object_type not in self.objects:
            return hubspot_error(400, "VALIDATION_ERROR", f"Unable to infer object type from: {object_type}")
        inputs = (await request.json())["inputs"]
        for item in inputs:
            if item.get("idProperty") not in self.unique_properties.get(object_type, set()):
                message = f"Property {item.get('idProperty')!r} is not a unique identifier property for {object_type}"
                return hubspot_error(400, "VALIDATION_ERROR", message)
        if self.refuse_writes:
            return hubspot_error(400, "VALIDATION_ERROR", self.refuse_writes)
        started = hubspot_time(self.now)
        results = [self._upserted(object_type, item) for item in inputs]
        if self.slow_writes > 0:  # applied, but the answer comes too late: the client has given up
            self.slow_writes -= 1
            await asyncio.sleep(self.slow_seconds)
        return JSONResponse(
            {"status": "COMPLETE", "results": results, "startedAt": started, "completedAt": hubspot_time(self.now)}
        )

    def _upserted(self, object_type: str, item: dict[str, Any]) -> dict[str, Any]:
        properties = {**item["properties"], item["idProperty"]: item["id"]}
        existing = next(
            (r for r in self.objects[object_type].values() if r["properties"].get(item["idProperty"]) == item["id"]),
            None,
        )
        if existing is None:
            return {**self.add(object_type, properties), "new": True}
        return {**self.update(object_type, existing["id"], **properties), "new": False}

    async def _associate(self, request: Request) -> JSONResponse:
        from_type, from_id, to_type, to_id = (
            request.path_params[k] for k in ("from_type", "from_id", "to_type", "to_id")
        )
        for kind, object_id in ((from_type, from_id), (to_type, to_id)):
            if object_id not in self.objects.get(kind, {}):
                return hubspot_error(404, "OBJECT_NOT_FOUND", f"No {kind} with id {object_id} exists")
        linked = self.associations.setdefault((from_type, to_type), {}).setdefault(from_id, [])
        if to_id not in linked:
            linked.append(to_id)
        spec = {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}
        result = {"from": {"id": from_id}, "to": {"id": to_id}, "associationSpec": spec}
        stamp = hubspot_time(self.now)
        return JSONResponse({"status": "COMPLETE", "results": [result], "startedAt": stamp, "completedAt": stamp})

    async def _search(self, request: Request) -> JSONResponse:
        object_type = request.path_params["object_type"]
        if object_type not in self.objects:
            return hubspot_error(400, "VALIDATION_ERROR", f"Unable to infer object type from: {object_type}")
        body = await request.json()
        offset = int(body.get("after") or 0)
        if offset >= self.search_window:
            return hubspot_error(
                400, "VALIDATION_ERROR", f"Search API only supports up to {self.search_window} results."
            )
        live = [record for record in self.objects[object_type].values() if not record["archived"]]
        matching = _sorted([r for r in live if _matches(r, body.get("filterGroups", []))], body.get("sorts", []))
        limit = min(int(body.get("limit", 10)), 200)
        page = [_with_properties(r, body.get("properties")) for r in matching[offset : offset + limit]]
        answer: dict[str, Any] = {"total": len(matching), "results": page}
        if offset + limit < len(matching):
            answer["paging"] = {"next": {"after": str(offset + limit), "link": None}}
        return JSONResponse(answer)

    async def _list(self, request: Request) -> JSONResponse:
        object_type = request.path_params["object_type"]
        if object_type not in self.objects:
            return hubspot_error(400, "VALIDATION_ERROR", f"Unable to infer object type from: {object_type}")
        archived = request.query_params.get("archived", "false") == "true"
        records = [r for r in self.objects[object_type].values() if r["archived"] == archived]
        offset, limit = (
            int(request.query_params.get("after", "0")),
            min(int(request.query_params.get("limit", "10")), 100),
        )
        properties = request.query_params.get("properties")
        page = [
            _with_properties(r, properties.split(",") if properties else None) for r in records[offset : offset + limit]
        ]
        answer: dict[str, Any] = {"results": page}
        if offset + limit < len(records):
            next_after = str(offset + limit)
            answer["paging"] = {"next": {"after": next_after, "link": f"{request.url.path}?after={next_after}"}}
        return JSONResponse(answer)

    async def _associations(self, request: Request) -> JSONResponse:
        linked = self.associations.get((request.path_params["from_type"], request.path_params["to_type"]), {})
        stamp = hubspot_time(self.now)
        results = [
            {
                "from": {"id": item["id"]},
                "to": [
                    {
                        "toObjectId": int(to_id),
                        "associationTypes": [{"category": "HUBSPOT_DEFINED", "typeId": 1, "label": None}],
                    }
                    for to_id in linked[item["id"]]
                ],
            }
            for item in (await request.json())["inputs"]
            if linked.get(item["id"])
        ]
        return JSONResponse({"status": "COMPLETE", "results": results, "startedAt": stamp, "completedAt": stamp})


def _as_comparable(value: Any) -> Any:
    """HubSpot compares datetimes given as ISO strings or epoch milliseconds; numbers as numbers."""
    if value is None:
        return None
    text = str(value)
    if text.isdigit():
        return int(text)
    try:
        return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)
    except ValueError:
        return text


def _matches(record: dict[str, Any], filter_groups: list[dict[str, Any]]) -> bool:
    """Filter groups are ORed; the filters within a group are ANDed."""
    if not filter_groups:
        return True
    return any(
        all(
            (value := _as_comparable(record["properties"].get(f["propertyName"]))) is not None
            and OPERATORS[f["operator"]](value, _as_comparable(f["value"]))
            for f in group["filters"]
        )
        for group in filter_groups
    )


def _sorted(records: list[dict[str, Any]], sorts: list[Any]) -> list[dict[str, Any]]:
    if not sorts:
        return sorted(records, key=lambda r: int(r["id"]))
    sort = sorts[0] if isinstance(sorts[0], dict) else {"propertyName": sorts[0], "direction": "ASCENDING"}
    return sorted(
        records,
        key=lambda r: (_as_comparable(r["properties"].get(sort["propertyName"])), int(r["id"])),
        reverse=sort.get("direction") == "DESCENDING",
    )


def _with_properties(record: dict[str, Any], names: list[str] | None) -> dict[str, Any]:
    """HubSpot returns the requested properties (null when unset) plus a few defaults."""
    defaults = [
        name
        for name in record["properties"]
        if name in ("hs_object_id", "createdate", "hs_createdate", "lastmodifieddate", "hs_lastmodifieddate")
    ]
    wanted = list(dict.fromkeys([*defaults, *(names or [])]))
    return {**record, "properties": {name: record["properties"].get(name) for name in wanted}}
