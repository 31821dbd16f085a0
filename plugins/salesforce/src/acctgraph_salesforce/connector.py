"""The Salesforce connector: accounts, contacts, opportunities, tasks and events, optionally contracts.

Every object is read with ``queryAll`` filtered on ``SystemModstamp >=`` the cursor (the engine's
lookback re-reads the edge), so deleted records come too, as tombstones. First a ``SELECT COUNT()``
of the changes decides the path: under ``bulk_threshold`` records the REST API, sorted by
``SystemModstamp, Id`` and checkpointed after each batch at the newest stamp read; at or over it a
Bulk API 2.0 job (which cannot sort), checkpointed after each page of results at the job's locator,
the cursor moving only once the job is read. Owners are matched to acctgraph users by e-mail, read
from ``User`` once per stream. API limits: see :mod:`acctgraph_salesforce.auth`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from acctgraph.integration.connector import (
    Checkpoint,
    CheckResult,
    Connector,
    ConnectorConfig,
    Message,
    RecordError,
    Stream,
    StreamState,
    SyncMode,
    Tombstone,
)
from acctgraph.integration.errors import ConnectorError
from acctgraph.integration.records import Entity
from acctgraph.integration.writeback.contract import CrmChange
from acctgraph_salesforce import mapping, writeback
from acctgraph_salesforce.api import BulkJobGone, SalesforceApi
from acctgraph_salesforce.config import SalesforceConfig

Mapper = Callable[[mapping.Row, Mapping[str, str], SalesforceConfig], dict[str, Any]]


@dataclass(frozen=True)
class SalesforceObject:
    """One Salesforce object a stream reads: its fields and the canonical record each row becomes."""

    name: str
    fields: tuple[str, ...]
    to_record: Mapper
    account_owned: bool = True

    def select(self, config: SalesforceConfig) -> str:
        currency = ("CurrencyIsoCode",) if config.multi_currency and self.name in ("Opportunity", "Contract") else ()
        contract = ("ContractId",) if config.include_contracts and self.name == "Opportunity" else ()
        return ", ".join(mapping.SYSTEM_FIELDS + self.fields + currency + contract)


@dataclass(frozen=True)
class SalesforceStream:
    name: str
    entity: Entity
    objects: tuple[SalesforceObject, ...]


STREAMS = (
    SalesforceStream(
        "accounts",
        Entity.ACCOUNT,
        (SalesforceObject("Account", mapping.ACCOUNT_FIELDS, lambda r, o, _: mapping.account(r, o), False),),
    ),
    SalesforceStream(
        "contacts",
        Entity.CONTACT,
        (SalesforceObject("Contact", mapping.CONTACT_FIELDS, lambda r, o, _: mapping.contact(r, o)),),
    ),
    SalesforceStream(
        "contracts",
        Entity.CONTRACT,
        (
            SalesforceObject(
                "Contract", mapping.CONTRACT_FIELDS, lambda r, o, c: mapping.contract(r, o, c.default_currency)
            ),
        ),
    ),
    SalesforceStream(
        "opportunities",
        Entity.OPPORTUNITY,
        (
            SalesforceObject(
                "Opportunity", mapping.OPPORTUNITY_FIELDS, lambda r, o, c: mapping.opportunity(r, o, c.default_currency)
            ),
        ),
    ),
    SalesforceStream(
        "activities",
        Entity.ACTIVITY,
        (
            SalesforceObject("Task", mapping.TASK_FIELDS, lambda r, o, _: mapping.task(r, o)),
            SalesforceObject("Event", mapping.EVENT_FIELDS, lambda r, o, _: mapping.event(r, o)),
        ),
    ),
)
BY_NAME = {stream.name: stream for stream in STREAMS}


class SalesforceConnector(Connector):
    name = "salesforce"
    version = "0.1.0"
    config_model = SalesforceConfig
    description = "Salesforce: accounts, contacts, opportunities, tasks and events as activities, contracts."
    writes = writeback.WRITES

    def write(self, change: CrmChange, config: ConnectorConfig) -> str:
        """Activities, QBRs and tasks upserted as Tasks and Events (:mod:`acctgraph_salesforce.writeback`)."""
        return writeback.write(change, _config(config))

    def check(self, config: ConnectorConfig) -> CheckResult:
        try:
            with SalesforceApi(_config(config)) as api:
                requests = api.limits().get("DailyApiRequests", {})
        except ConnectorError as error:
            return CheckResult(False, f"Salesforce refused the connection or could not be reached: {error}")
        remaining = f"; {requests['Remaining']} of {requests['Max']} API requests left today" if requests else ""
        return CheckResult(True, f"Connected to Salesforce at {api.auth.token.instance_url}{remaining}")

    def streams(self, config: ConnectorConfig) -> list[Stream]:
        wanted = [s for s in STREAMS if s.name != "contracts" or _config(config).include_contracts]
        return [
            Stream(
                name=spec.name,
                entity=spec.entity,
                cursor_field="salesforce_modified_at",
                lookback=timedelta(minutes=5),
                reports_deletes=True,
                sync_modes=frozenset(SyncMode),
                description=f"Salesforce {', '.join(o.name for o in spec.objects)} modified since the cursor, "
                "deleted ones as deletes",
            )
            for spec in wanted
        ]

    def read(self, stream: Stream, config: ConnectorConfig, state: StreamState) -> Iterator[Message]:
        """Each object of the stream in turn; checkpoints carry the object and its progress until all are read."""
        spec, settings = BY_NAME[stream.name], _config(config)
        names = [o.name for o in spec.objects]
        resume_object = state.resume.get("object")
        start = names.index(resume_object) if resume_object in names else 0
        newest = state.cursor
        with SalesforceApi(settings) as api:
            owners = _user_emails(api)
            for sobject in spec.objects[start:]:
                resume = dict(state.resume) if sobject.name == resume_object else {}
                reader = _ObjectReader(api, settings, sobject, owners, state.cursor)
                yield from reader.read(resume)
                newest = max(filter(None, (newest, reader.newest)), default=None)
        yield Checkpoint(cursor=newest, resume={})


def _config(config: ConnectorConfig) -> SalesforceConfig:
    if not isinstance(config, SalesforceConfig):
        raise TypeError(f"expected a SalesforceConfig, got {type(config).__name__}")
    return config


def _user_emails(api: SalesforceApi) -> dict[str, str]:
    """User id -> e-mail, for matching owners to acctgraph users."""
    return {
        row["Id"]: row["Email"]
        for page in api.query_pages("SELECT Id, Email FROM User", include_deleted=False)
        for row in page
        if row.get("Email")
    }


class _ObjectReader:
    """Reads one Salesforce object of a stream, by REST or by a bulk job."""

    def __init__(
        self,
        api: SalesforceApi,
        config: SalesforceConfig,
        sobject: SalesforceObject,
        owners: Mapping[str, str],
        cursor: datetime | None,
    ) -> None:
        self.api, self.config, self.sobject, self.owners, self.cursor = api, config, sobject, owners, cursor
        self.newest: datetime | None = None

    def read(self, resume: Mapping[str, Any]) -> Iterator[Message]:
        since = mapping.parse_time(resume.get("since")) if resume.get("since") else self.cursor
        if resume.get("job"):
            self.newest = mapping.parse_time(resume.get("newest"))
            try:
                yield from self._bulk(since, resume["job"], resume.get("locator"))
                return
            except BulkJobGone:
                pass  # results expired: query again from the same lower bound
        if self.api.count(f"SELECT COUNT() FROM {self.sobject.name}{self._where(since)}") >= self.config.bulk_threshold:
            job = self.api.start_bulk_query(
                f"SELECT {self.sobject.select(self.config)} FROM {self.sobject.name}{self._where(since)}"
            )
            yield from self._bulk(since, job, None)
        else:
            yield from self._rest(since)

    def _where(self, since: datetime | None) -> str:
        return f" WHERE SystemModstamp >= {mapping.soql_time(since)}" if since else ""

    def _rest(self, since: datetime | None) -> Iterator[Message]:
        soql = (
            f"SELECT {self.sobject.select(self.config)} FROM {self.sobject.name}{self._where(since)} "
            "ORDER BY SystemModstamp ASC, Id ASC"
        )
        for rows in self.api.query_pages(soql):
            yield from self._messages(rows)
            if rows:
                page_newest = mapping.modified_at(rows[-1])
                self.newest = max(filter(None, (self.newest, page_newest)), default=None)
                yield Checkpoint(cursor=self.cursor, resume={"object": self.sobject.name, "since": _iso(page_newest)})

    def _bulk(self, since: datetime | None, job: str, locator: str | None) -> Iterator[Message]:
        self.api.wait_for_bulk_job(job)
        while True:
            rows, locator = self.api.bulk_results(job, locator)
            yield from self._messages(rows)
            for row in rows:
                stamp = mapping.modified_at(row)
                self.newest = stamp if self.newest is None or stamp > self.newest else self.newest
            if locator is None:
                return
            yield Checkpoint(
                cursor=self.cursor,
                resume={
                    "object": self.sobject.name,
                    "since": _iso(since),
                    "job": job,
                    "locator": locator,
                    "newest": _iso(self.newest),
                },
            )

    def _messages(self, rows: Sequence[mapping.Row]) -> Iterator[Message]:
        for row in rows:
            if mapping.flag(row, "IsDeleted"):
                yield Tombstone(row["Id"], mapping.parse_time(mapping.value(row, "SystemModstamp")))
            elif self.sobject.account_owned and not mapping.value(row, "AccountId"):
                yield RecordError(
                    f"Salesforce {self.sobject.name} {row['Id']} belongs to no account; relate it to one in "
                    "Salesforce so acctgraph knows its account",
                    dict(row),
                    external_id=row["Id"],
                )
            else:
                yield self._record(row)

    def _record(self, row: mapping.Row) -> Message:
        try:
            return self.sobject.to_record(row, self.owners, self.config)
        except (KeyError, TypeError, ValueError, ArithmeticError) as error:
            return RecordError(
                f"cannot map Salesforce {self.sobject.name}: {error!r}", dict(row), external_id=str(row.get("Id"))
            )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
