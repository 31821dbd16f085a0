"""A local stand-in for Zendesk Support's API: incremental exports and satisfaction ratings.

Shapes follow Zendesk's API reference. The cursor-based ticket export
(``/api/v2/incremental/tickets/cursor.json?start_time=`` then ``?cursor=``) answers ``{"tickets",
"after_url", "after_cursor", "before_url", "before_cursor", "end_of_stream"}``; the time-based
organization export answers ``{"organizations", "next_page", "count", "end_time", "end_of_stream"}``;
satisfaction ratings use cursor pagination (``page[size]``, ``page[after]``, ``meta.has_more``).
As in Zendesk, items changed within the last minute are held back from the exports, and deleted
tickets stay in the export with status ``deleted``.
"""

from __future__ import annotations

import base64
import itertools
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp

from acctgraph.testing.http import VendorControls, vendor_app

EMAIL = "admin@acme.example"
API_TOKEN = "zd-token-acctgraph-test"
START = 1_767_225_600  # 2026-01-01T00:00:00Z
HOLD_BACK_SECONDS = 60


def zendesk_time(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch_of(stamp: str) -> int:
    return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp())


def encode_cursor(position: tuple[int, int]) -> str:
    return base64.urlsafe_b64encode(f"{position[0]}.{position[1]}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[int, int]:
    stamp, item_id = base64.urlsafe_b64decode(cursor.encode()).decode().split(".")
    return int(stamp), int(item_id)


class FakeZendesk:
    """One Zendesk Support account, changed by tests between syncs through the methods below."""

    def __init__(self, email: str = EMAIL, api_token: str = API_TOKEN) -> None:
        self.email, self.api_token = email, api_token
        self.controls = VendorControls()
        self.base_url = ""  # set by ``acctgraph.testing.http.serving``
        self.now = START
        self.tickets: dict[int, dict[str, Any]] = {}
        self.organizations: dict[int, dict[str, Any]] = {}
        self.ratings: dict[int, dict[str, Any]] = {}
        self._ids = itertools.count(101)

    # --- changes a test makes ------------------------------------------------------------------

    def tick(self, seconds: int = 120) -> None:
        """Advance the clock; by default past the minute the exports hold recent changes back."""
        self.now += seconds

    def add_organization(self, name: str, domain_names: Sequence[str] = (), **fields: Any) -> dict[str, Any]:
        org_id = next(self._ids)
        organization = {
            "url": f"https://acme.zendesk.com/api/v2/organizations/{org_id}.json",
            "id": org_id,
            "name": name,
            "shared_tickets": False,
            "shared_comments": False,
            "external_id": None,
            "created_at": zendesk_time(self.now),
            "updated_at": zendesk_time(self.now),
            "deleted_at": None,
            "domain_names": list(domain_names),
            "details": "",
            "notes": "",
            "group_id": None,
            "tags": [],
            "organization_fields": {},
        }
        self.organizations[org_id] = {**organization, **fields}
        return self.organizations[org_id]

    def add_ticket(self, subject: str, organization_id: int | None, **fields: Any) -> dict[str, Any]:
        ticket_id = next(self._ids)
        ticket = {
            "url": f"https://acme.zendesk.com/api/v2/tickets/{ticket_id}.json",
            "id": ticket_id,
            "external_id": None,
            "via": {"channel": "email", "source": {"from": {}, "to": {}, "rel": None}},
            "created_at": zendesk_time(self.now),
            "updated_at": zendesk_time(self.now),
            "generated_timestamp": self.now,
            "type": "question",
            "subject": subject,
            "raw_subject": subject,
            "description": f"{subject} (description)",
            "priority": "normal",
            "status": "new",
            "recipient": None,
            "requester_id": 9001,
            "submitter_id": 9001,
            "assignee_id": None,
            "organization_id": organization_id,
            "group_id": None,
            "collaborator_ids": [],
            "follower_ids": [],
            "problem_id": None,
            "has_incidents": False,
            "is_public": True,
            "due_at": None,
            "tags": [],
            "custom_fields": [],
            "satisfaction_rating": None,
            "brand_id": 1,
            "ticket_form_id": None,
        }
        self.tickets[ticket_id] = {**ticket, **fields}
        return self.tickets[ticket_id]

    def update_ticket(self, ticket_id: int, **fields: Any) -> dict[str, Any]:
        ticket = self.tickets[ticket_id]
        ticket.update(fields, updated_at=zendesk_time(self.now), generated_timestamp=self.now)
        return ticket

    def delete_ticket(self, ticket_id: int) -> None:
        """Zendesk's soft delete: the ticket stays in the export with status ``deleted``."""
        self.update_ticket(ticket_id, status="deleted")

    def update_organization(self, org_id: int, **fields: Any) -> dict[str, Any]:
        organization = self.organizations[org_id]
        organization.update(fields, updated_at=zendesk_time(self.now))
        return organization

    def delete_organization(self, org_id: int) -> None:
        self.update_organization(org_id, deleted_at=zendesk_time(self.now))

    def rate(self, ticket_id: int, score: str, comment: str | None = None, reason: str | None = None) -> dict[str, Any]:
        """A customer's good/bad rating of a ticket; also shown on the ticket, as in Zendesk."""
        rating_id, ticket = next(self._ids), self.tickets[ticket_id]
        rating = {
            "url": f"https://acme.zendesk.com/api/v2/satisfaction_ratings/{rating_id}.json",
            "id": rating_id,
            "assignee_id": ticket["assignee_id"],
            "group_id": ticket["group_id"],
            "requester_id": ticket["requester_id"],
            "ticket_id": ticket_id,
            "score": score,
            "comment": comment,
            "reason": reason,
            "reason_code": None,
            "created_at": zendesk_time(self.now),
            "updated_at": zendesk_time(self.now),
        }
        self.ratings[rating_id] = rating
        self.update_ticket(ticket_id, satisfaction_rating={"id": rating_id, "score": score, "comment": comment})
        return rating

    def connector_config(self) -> dict[str, Any]:
        """The Zendesk connector's configuration for this stand-in (small pages, so tests cross them)."""
        return {
            "subdomain": "acme",
            "email": self.email,
            "api_token": self.api_token,
            "base_url": self.base_url,
            "page_size": 2,
        }

    # --- the HTTP API --------------------------------------------------------------------------

    def app(self) -> ASGIApp:
        routes = [
            Route("/api/v2/users/me.json", self._me),
            Route("/api/v2/incremental/tickets/cursor.json", self._ticket_export),
            Route("/api/v2/incremental/organizations.json", self._organization_export),
            Route("/api/v2/satisfaction_ratings.json", self._satisfaction_ratings),
            Route("/api/v2/tickets/show_many.json", self._show_many),
        ]
        return vendor_app(
            routes,
            self.controls,
            self._authorized,
            unauthorized=lambda: JSONResponse({"error": "Couldn't authenticate you"}, status_code=401),
            throttled=lambda _: JSONResponse(
                {
                    "error": "APIRateLimitExceeded",
                    "description": "Number of allowed incremental export API requests per minute exceeded",
                },
                status_code=429,
            ),
        )

    def _authorized(self, request: Request) -> bool:
        secret = base64.b64encode(f"{self.email}/token:{self.api_token}".encode()).decode()
        return request.headers.get("authorization") == f"Basic {secret}"

    def _visible(self, items: list[dict[str, Any]], stamp_of: Any) -> list[dict[str, Any]]:
        """Exports leave out what changed within the last minute, in (timestamp, id) order."""
        return sorted(
            (i for i in items if stamp_of(i) <= self.now - HOLD_BACK_SECONDS), key=lambda i: (stamp_of(i), i["id"])
        )

    async def _me(self, request: Request) -> JSONResponse:
        return JSONResponse({"user": {"id": 9000, "name": "Admin", "email": self.email, "role": "admin"}})

    async def _ticket_export(self, request: Request) -> JSONResponse:
        params = request.query_params
        if "cursor" in params:
            position = decode_cursor(params["cursor"])
        elif "start_time" in params:
            position = (int(params["start_time"]), -1)
            if position[0] > self.now - HOLD_BACK_SECONDS:
                return JSONResponse(
                    {
                        "error": "InvalidValue",
                        "description": "Too recent start_time. Use a start_time older than 1 minute",
                    },
                    status_code=422,
                )
        else:
            return JSONResponse(
                {"error": "InvalidPaginationParameter", "description": "start_time or cursor is required"},
                status_code=400,
            )
        following = [
            t
            for t in self._visible(list(self.tickets.values()), lambda t: t["generated_timestamp"])
            if (t["generated_timestamp"], t["id"]) > position
        ]
        page = following[: int(params.get("per_page", "1000"))]
        after = (page[-1]["generated_timestamp"], page[-1]["id"]) if page else position
        export_url = f"{request.base_url}api/v2/incremental/tickets/cursor.json"
        return JSONResponse(
            {
                "tickets": page,
                "after_cursor": encode_cursor(after),
                "after_url": f"{export_url}?cursor={encode_cursor(after)}",
                "before_cursor": None,
                "before_url": None,
                "end_of_stream": len(page) == len(following),
            }
        )

    async def _organization_export(self, request: Request) -> JSONResponse:
        """Time-based: a page ends with every item sharing its last timestamp, so paging always moves on."""
        start_time, per_page = (
            int(request.query_params["start_time"]),
            int(request.query_params.get("per_page", "1000")),
        )
        following = [
            o
            for o in self._visible(list(self.organizations.values()), lambda o: epoch_of(o["updated_at"]))
            if epoch_of(o["updated_at"]) >= start_time
        ]
        page = following[:per_page]
        if page:
            last_stamp = epoch_of(page[-1]["updated_at"])
            page += [o for o in following[per_page:] if epoch_of(o["updated_at"]) == last_stamp]
        end_time = epoch_of(page[-1]["updated_at"]) if page else max(start_time, self.now - HOLD_BACK_SECONDS)
        next_page = f"{request.base_url}api/v2/incremental/organizations.json?{urlencode({'start_time': end_time})}"
        return JSONResponse(
            {
                "organizations": page,
                "count": len(page),
                "end_time": end_time,
                "next_page": next_page,
                "end_of_stream": len(page) == len(following),
            }
        )

    async def _show_many(self, request: Request) -> JSONResponse:
        """Up to 100 tickets by id; deleted tickets are not shown."""
        ids = [int(i) for i in request.query_params.get("ids", "").split(",") if i][:100]
        shown = [self.tickets[i] for i in ids if i in self.tickets and self.tickets[i]["status"] != "deleted"]
        return JSONResponse({"tickets": shown, "next_page": None, "previous_page": None, "count": len(shown)})

    async def _satisfaction_ratings(self, request: Request) -> JSONResponse:
        params = request.query_params
        ratings = sorted(self.ratings.values(), key=lambda r: r["id"])
        if "start_time" in params:
            ratings = [r for r in ratings if epoch_of(r["created_at"]) >= int(params["start_time"])]
        if "page[after]" in params:
            after_id = decode_cursor(params["page[after]"])[1]
            ratings = [r for r in ratings if r["id"] > after_id]
        size = min(int(params.get("page[size]", "100")), 100)
        page, has_more = ratings[:size], len(ratings) > size
        after_cursor = encode_cursor((0, page[-1]["id"])) if page else None
        next_link = (
            f"{request.base_url}api/v2/satisfaction_ratings.json?{urlencode({'page[size]': size, 'page[after]': after_cursor})}"
            if has_more
            else None
        )
        return JSONResponse(
            {
                "satisfaction_ratings": page,
                "meta": {"has_more": has_more, "after_cursor": after_cursor, "before_cursor": None},
                "links": {"next": next_link, "prev": None},
            }
        )
