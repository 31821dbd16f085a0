"""The HubSpot connector: companies, contacts, deals and engagements through the CRM v3 API.

Every stream reads ``POST /crm/v3/objects/{type}/search`` filtered on the last-modified property
(``>=`` the cursor), sorted by it ascending, paged with ``after``. HubSpot answers at most 10,000
results per search query, so before paging past that the read starts a new query from the newest
last-modified time it has read (``>=``: the objects sharing that time come twice; the upsert absorbs
them). Deletes are HubSpot's archived objects (``GET /crm/v3/objects/{type}?archived=true``),
read as tombstones. Contacts, deals and engagements name their company through the v4 associations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from pydantic import Field, SecretStr

from acctgraph.integration.connector import (
    Checkpoint,
    ConnectorConfig,
    Message,
    RecordError,
    Stream,
    StreamState,
    Tombstone,
)
from acctgraph.integration.errors import ConnectorError
from acctgraph.integration.http import HttpClient, paginate
from acctgraph.integration.http_connector import HttpConnector, HttpStream, map_or_reject
from acctgraph.integration.records import Entity
from acctgraph.integration.writeback.contract import CrmChange
from acctgraph_hubspot import mapping, writeback


class HubSpotConfig(ConnectorConfig):
    access_token: SecretStr = Field(description="A private app's access token with the crm.objects.*.read scopes")
    base_url: str = Field(default="https://api.hubapi.com", description="Only changed for tests")
    default_currency: str = Field(default="USD", min_length=3, max_length=3, description="For deals without a currency")
    page_size: int = Field(default=100, ge=1, le=200)
    search_results_limit: int = Field(
        default=10_000, ge=1, description="HubSpot's cap on one search query; lowered only in tests"
    )
    id_property: str = Field(
        default="acctgraph_id",
        pattern=r"^[a-z][a-z0-9_]*$",
        description="Write-back: the unique-value property on calls, emails, meetings, notes and tasks to upsert by",
    )
    write_timeout_seconds: float = Field(default=30.0, gt=0, le=300, description="Write-back: one request's timeout")


@dataclass(frozen=True)
class HubSpotStream:
    """A stream: the HubSpot object types it reads, their properties, and the record each becomes.

    ``to_record(object, object_type, company_id, config)``; ``company_id`` is None for companies.
    """

    name: str
    entity: Entity
    object_types: tuple[str, ...]
    properties: Callable[[str], tuple[str, ...]]
    to_record: Callable[[dict[str, Any], str, str | None, HubSpotConfig], dict[str, Any]]


STREAMS = (
    HubSpotStream(
        "companies",
        Entity.ACCOUNT,
        ("companies",),
        lambda _: mapping.COMPANY_PROPERTIES,
        lambda o, _t, _c, _cfg: mapping.account(o),
    ),
    HubSpotStream(
        "contacts",
        Entity.CONTACT,
        ("contacts",),
        lambda _: mapping.CONTACT_PROPERTIES,
        lambda o, _t, company, _cfg: mapping.contact(o, company),
    ),
    HubSpotStream(
        "deals",
        Entity.OPPORTUNITY,
        ("deals",),
        lambda _: mapping.DEAL_PROPERTIES,
        lambda o, _t, company, cfg: mapping.opportunity(o, company, cfg.default_currency),
    ),
    HubSpotStream(
        "engagements",
        Entity.ACTIVITY,
        tuple(mapping.ENGAGEMENTS),
        mapping.engagement_properties,
        lambda o, object_type, company, _cfg: mapping.activity(o, object_type, company),
    ),
)
BY_NAME = {stream.name: stream for stream in STREAMS}


class HubSpotConnector(HttpConnector[HubSpotConfig]):
    name = "hubspot"
    version = "0.1.0"
    config_model = HubSpotConfig
    description = "HubSpot CRM: companies, contacts, deals as opportunities, engagements as activities."
    vendor = "HubSpot"
    credentials = "the access token"
    check_path = "/crm/v3/objects/companies"
    check_params = {"limit": 1}
    cursor_field = "hubspot_modified_at"
    writes = writeback.WRITES

    def write(self, change: CrmChange, config: ConnectorConfig) -> str:
        """Activities, QBRs and tasks upserted as engagements (:mod:`acctgraph_hubspot.writeback`)."""
        if not isinstance(config, HubSpotConfig):
            raise TypeError(f"expected a HubSpotConfig, got {type(config).__name__}")
        client = self.client(config, timeout=config.write_timeout_seconds, max_retries=2)
        return writeback.write(change, config, client)

    def base_url(self, config: HubSpotConfig) -> str:
        return config.base_url

    def headers(self, config: HubSpotConfig) -> dict[str, str]:
        return {"Authorization": f"Bearer {config.access_token.get_secret_value()}"}

    def http_streams(self, config: HubSpotConfig) -> list[HttpStream]:
        return [
            HttpStream(
                spec.name,
                spec.entity,
                f"HubSpot {', '.join(spec.object_types)} modified since the cursor; archived ones as deletes",
            )
            for spec in STREAMS
        ]

    def read_stream(
        self, client: HttpClient, stream: Stream, config: HubSpotConfig, state: StreamState
    ) -> Iterator[Message]:
        """Each object type in turn; checkpoints carry the type and its progress until all are read."""
        spec = BY_NAME[stream.name]
        resume_type = state.resume.get("object_type")
        types = spec.object_types[spec.object_types.index(resume_type) :] if resume_type else spec.object_types
        newest = state.cursor
        for object_type in types:
            since = mapping.parse_time(state.resume["since"]) if object_type == resume_type else state.cursor
            reader = _ObjectReader(client, config, spec, object_type)
            yield from reader.archived(since)
            for page_newest, messages in reader.modified_since(since):
                yield from messages
                since = max(filter(None, (since, page_newest)), default=None)
                yield Checkpoint(
                    cursor=state.cursor,
                    resume={"object_type": object_type, "since": since.isoformat() if since else None},
                )
            newest = max(filter(None, (newest, since)), default=None)
        yield Checkpoint(cursor=newest, resume={})


class _ObjectReader:
    """Reads one HubSpot object type of a stream."""

    def __init__(self, client: HttpClient, config: HubSpotConfig, spec: HubSpotStream, object_type: str) -> None:
        self.client, self.config, self.spec, self.object_type = client, config, spec, object_type

    def modified_since(self, since: datetime | None) -> Iterator[tuple[datetime | None, list[Message]]]:
        """Pages of messages with the newest last-modified time of each page, oldest first."""
        lower = since
        while True:
            newest = None
            for page in paginate(partial(self._search, lower)):
                if page.items:
                    newest = mapping.modified_at(page.items[-1], self.object_type)
                    yield newest, self._messages(page.items)
                if page.next_token and int(page.next_token) >= self.config.search_results_limit:
                    break  # HubSpot refuses to page past its limit: a new query starts at the newest read
            else:
                return
            if lower is not None and newest is not None and newest <= lower:
                raise ConnectorError(
                    f"HubSpot {self.object_type}: more than {self.config.search_results_limit} objects share the "
                    f"last-modified time {newest.isoformat()}; the search API cannot page through them"
                )
            lower = newest

    def archived(self, since: datetime | None) -> Iterator[Tombstone]:
        """Objects archived (HubSpot's delete) since ``since``; HubSpot keeps them 90 days."""
        params = {"archived": "true", "limit": min(self.config.page_size, 100)}
        path = f"/crm/v3/objects/{self.object_type}"
        for page in paginate(lambda after: self._list_page(path, {**params, **({"after": after} if after else {})})):
            for hubspot_object in page.items:
                archived_at = mapping.parse_time(hubspot_object.get("archivedAt"))
                if since is None or archived_at is None or archived_at >= since:
                    yield Tombstone(hubspot_object["id"], archived_at)

    def _list_page(self, path: str, params: dict[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
        answer = self.client.get_json(path, params=params)
        return answer["results"], ((answer.get("paging") or {}).get("next") or {}).get("after")

    def _search(self, since: datetime | None, after: str | None) -> tuple[list[dict[str, Any]], str | None]:
        modified = mapping.modified_property(self.object_type)
        body: dict[str, Any] = {
            "sorts": [{"propertyName": modified, "direction": "ASCENDING"}],
            "properties": list(self.spec.properties(self.object_type)),
            "limit": self.config.page_size,
        }
        if since is not None:
            body["filterGroups"] = [
                {
                    "filters": [
                        {"propertyName": modified, "operator": "GTE", "value": str(int(since.timestamp() * 1000))}
                    ]
                }
            ]
        if after:
            body["after"] = after
        answer = self.client.post_json(f"/crm/v3/objects/{self.object_type}/search", json=body)
        return answer["results"], ((answer.get("paging") or {}).get("next") or {}).get("after")

    def _messages(self, hubspot_objects: list[dict[str, Any]]) -> list[Message]:
        companies = (
            self._companies([o["id"] for o in hubspot_objects]) if self.spec.entity is not Entity.ACCOUNT else {}
        )
        messages: list[Message] = []
        for hubspot_object in hubspot_objects:
            company = companies.get(hubspot_object["id"])
            if self.spec.entity is not Entity.ACCOUNT and company is None:
                messages.append(
                    RecordError(
                        f"HubSpot {self.object_type} {hubspot_object['id']} is associated with no company; associate it "
                        "with one in HubSpot so acctgraph knows its account",
                        hubspot_object,
                        external_id=hubspot_object["id"],
                    )
                )
                continue
            to_record = partial(self._record, company)
            messages.append(map_or_reject(to_record, hubspot_object, f"HubSpot {self.object_type}"))
        return messages

    def _record(self, company: str | None, hubspot_object: dict[str, Any]) -> dict[str, Any]:
        return self.spec.to_record(hubspot_object, self.object_type, company, self.config)

    def _companies(self, object_ids: list[str]) -> dict[str, str]:
        """Each object's company (its first association), from one batch read per page."""
        answer = self.client.post_json(
            f"/crm/v4/associations/{self.object_type}/companies/batch/read",
            json={"inputs": [{"id": i} for i in object_ids]},
        )
        return {
            result["from"]["id"]: str(result["to"][0]["toObjectId"])
            for result in answer.get("results", [])
            if result["to"]
        }
