"""The Zendesk Support connector: organizations, tickets and satisfaction ratings.

Tickets come from the cursor-based incremental export (``start_time`` once, then ``cursor``), which
includes deleted tickets (status ``deleted``, read as tombstones) and holds back the last minute's
changes; organizations from the time-based incremental export (``deleted_at`` set when deleted);
then, in the same stream, satisfaction ratings from their cursor-paginated list, each applied to its
ticket (fetched with ``show_many``) with the rating's comment and reason. Incremental exports allow 10
requests a minute:
the shared client waits out each 429's ``Retry-After``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from pydantic import Field, SecretStr

from acctgraph.integration.connector import (
    Checkpoint,
    CheckResult,
    ConnectorConfig,
    Message,
    RecordError,
    Stream,
    StreamState,
    Tombstone,
)
from acctgraph.integration.http import HttpClient
from acctgraph.integration.http_connector import HttpConnector, HttpStream, map_or_reject
from acctgraph.integration.records import Entity
from acctgraph_zendesk import mapping

HOLD_BACK = timedelta(minutes=1)
STREAMS = (
    HttpStream("organizations", Entity.ACCOUNT, "Incremental organization export (time-based)"),
    HttpStream("tickets", Entity.SUPPORT_TICKET, "Ticket export (cursor-based), then ratings"),
)


class ZendeskConfig(ConnectorConfig):
    subdomain: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="acme for https://acme.zendesk.com")
    email: str = Field(description="The e-mail of the admin whose API token this is")
    api_token: SecretStr = Field(description="An API token (Admin Center > Apps and integrations > Zendesk API)")
    base_url: str | None = Field(
        default=None, description="Only set for tests; defaults to https://<subdomain>.zendesk.com"
    )
    page_size: int = Field(default=1000, ge=1, le=1000, description="Items per export page (ratings: at most 100)")

    @property
    def url(self) -> str:
        return self.base_url or f"https://{self.subdomain}.zendesk.com"


def _moment(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


class ZendeskConnector(HttpConnector[ZendeskConfig]):
    name = "zendesk"
    version = "0.1.0"
    config_model = ZendeskConfig
    description = "Zendesk Support: organizations as accounts, tickets, satisfaction ratings on their tickets."
    vendor = "Zendesk"
    credentials = "the e-mail and API token"
    check_path = "/api/v2/users/me.json"
    cursor_field = "zendesk_updated_at"
    lookback = HOLD_BACK * 2

    def base_url(self, config: ZendeskConfig) -> str:
        return config.url

    def auth(self, config: ZendeskConfig) -> tuple[str, str]:
        return (f"{config.email}/token", config.api_token.get_secret_value())

    def checked(self, config: ZendeskConfig, answer: Any) -> CheckResult:
        """The exports need an admin's token."""
        user = answer["user"]
        if user.get("role") != "admin":
            return CheckResult(
                False, f"{config.email} is a Zendesk {user.get('role')}; the exports need an admin's token"
            )
        return CheckResult(True, f"Connected to Zendesk at {config.url} as {user.get('email')}")

    def http_streams(self, config: ZendeskConfig) -> list[HttpStream]:
        """Incremental from the start; each stream also supports a full refresh."""
        return list(STREAMS)

    def read_stream(
        self, client: HttpClient, stream: Stream, config: ZendeskConfig, state: StreamState
    ) -> Iterator[Message]:
        readers = {"organizations": _organizations, "tickets": _tickets}
        yield from readers[stream.name](client, config, state)


def _mapped(to_record: Callable[[dict[str, Any]], dict[str, Any]], zendesk_object: dict[str, Any]) -> Message:
    return map_or_reject(to_record, zendesk_object, "Zendesk object")


def _export_start(state: StreamState) -> int | None:
    """The export's ``start_time``; None when the cursor is within the last minute (or ahead), which
    Zendesk refuses and which cannot hold anything new: its exports hold the last minute back."""
    if state.cursor is None:
        return 0
    start = mapping.epoch(state.cursor)
    return None if start > time.time() - HOLD_BACK.total_seconds() else start


def _organizations(client: HttpClient, config: ZendeskConfig, state: StreamState) -> Iterator[Message]:
    """Time-based export: each page ends with every organization sharing its last second, and the next
    starts at that second (so those come twice, absorbed by the upsert)."""
    start = _export_start(state)
    if start is None:
        yield Checkpoint(cursor=state.cursor)
        return
    while True:
        answer = client.get_json(
            "/api/v2/incremental/organizations.json", params={"start_time": start, "per_page": config.page_size}
        )
        for organization in answer["organizations"]:
            if organization.get("deleted_at"):
                yield Tombstone(str(organization["id"]), mapping.parse_time(organization["deleted_at"]))
            else:
                yield _mapped(mapping.account, organization)
        yield Checkpoint(cursor=_moment(answer["end_time"]))
        if answer["end_of_stream"]:
            return
        start = max(answer["end_time"], start + 1)  # a page wholly at `start` holds every item of that second


def _ticket(ticket: dict[str, Any]) -> Message:
    if ticket["status"] == "deleted":
        return Tombstone(str(ticket["id"]), mapping.parse_time(ticket["updated_at"]))
    if ticket.get("organization_id") is None:
        return RecordError(
            f"Zendesk ticket {ticket['id']} belongs to no organization; add its requester to one so acctgraph "
            "knows the account",
            ticket,
            external_id=str(ticket["id"]),
        )
    return _mapped(mapping.support_ticket, ticket)


def _tickets(client: HttpClient, config: ZendeskConfig, state: StreamState) -> Iterator[Message]:
    """The ticket export, then the satisfaction ratings given since the cursor, on their tickets.

    One stream rather than two of the same entity: a full refresh of either would take the tickets the
    other one brought for deleted upstream.
    """
    if state.resume.get("phase") != "ratings":
        yield from _ticket_export(client, config, state)
    yield from _satisfaction_ratings(client, config, state)


def _ticket_export(client: HttpClient, config: ZendeskConfig, state: StreamState) -> Iterator[Message]:
    """Cursor-based export; an unfinished read resumes at its saved export cursor."""
    if "cursor" in state.resume:
        params: dict[str, Any] = {"cursor": state.resume["cursor"]}
    elif (start := _export_start(state)) is not None:
        params = {"start_time": start}
    else:
        yield Checkpoint(cursor=state.cursor, resume={"phase": "ratings"})
        return
    newest = state.cursor
    while True:
        answer = client.get_json(
            "/api/v2/incremental/tickets/cursor.json", params={**params, "per_page": config.page_size}
        )
        for ticket in answer["tickets"]:
            newest = max(filter(None, (newest, _moment(ticket["generated_timestamp"]))))
            yield _ticket(ticket)
        if answer["end_of_stream"]:
            yield Checkpoint(cursor=newest, resume={"phase": "ratings"})
            return
        yield Checkpoint(cursor=newest, resume={"cursor": answer["after_cursor"]})
        params = {"cursor": answer["after_cursor"]}


def _satisfaction_ratings(client: HttpClient, config: ZendeskConfig, state: StreamState) -> Iterator[Message]:
    """Ratings given since the cursor, each on its ticket (one ``show_many`` per page) with the comment
    and reason. Tickets deleted or of no organization are left to the export, which reports them."""
    params: dict[str, Any] = {"page[size]": min(config.page_size, 100)}
    if state.cursor:
        params["start_time"] = mapping.epoch(state.cursor)
    after, newest = state.resume.get("after"), state.cursor
    while True:
        answer = client.get_json(
            "/api/v2/satisfaction_ratings.json", params={**params, **({"page[after]": after} if after else {})}
        )
        ratings = answer["satisfaction_ratings"]
        tickets = _tickets_by_id(client, [rating["ticket_id"] for rating in ratings])
        for rating in ratings:
            newest = max(filter(None, (newest, mapping.parse_time(rating["created_at"]))))
            ticket = tickets.get(rating["ticket_id"])
            if ticket is not None and ticket.get("organization_id") is not None:
                yield _mapped(partial(mapping.rated_ticket, rating=rating), ticket)
        if not answer["meta"]["has_more"]:
            yield Checkpoint(cursor=newest)
            return
        after = answer["meta"]["after_cursor"]
        yield Checkpoint(cursor=state.cursor, resume={"phase": "ratings", "after": after})


def _tickets_by_id(client: HttpClient, ticket_ids: list[int]) -> dict[int, dict[str, Any]]:
    if not ticket_ids:
        return {}
    answer = client.get_json(
        "/api/v2/tickets/show_many.json", params={"ids": ",".join(map(str, sorted(set(ticket_ids))))}
    )
    return {ticket["id"]: ticket for ticket in answer["tickets"]}
