"""The base of connectors over an HTTP API (the Singer SDK's ``RESTStream`` idea): one client per read
with the shared retries and ``Retry-After`` handling, the ``check`` every such connector makes, streams
declared as data, and vendor objects mapped to records or rejected with the reason.

A subclass names its vendor, how it authenticates, a cheap request that proves the credentials, its
streams and how one stream is read; paging is :func:`acctgraph.integration.http.paginate`.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, ClassVar, TypeVar

import httpx

from acctgraph.integration.connector import (
    CheckResult,
    ConfigT,
    Connector,
    Message,
    RecordError,
    Stream,
    StreamState,
    SyncMode,
)
from acctgraph.integration.errors import ConnectorError
from acctgraph.integration.http import HttpClient
from acctgraph.integration.records import Entity

#: What a mapping function raises on a vendor object it cannot read (a missing key, a bad value).
MAPPING_ERRORS: tuple[type[Exception], ...] = (KeyError, TypeError, ValueError, ArithmeticError)

VendorObject = TypeVar("VendorObject", bound=Mapping[str, Any])


@dataclass(frozen=True)
class HttpStream:
    """What a stream of an HTTP connector says about itself; the connector's cursor and lookback do the rest."""

    name: str
    entity: Entity
    description: str


class HttpConnector(Connector[ConfigT]):
    """A connector reading an HTTP API whose every stream is incremental on one cursor field and
    reports deletes (as tombstones), so it never needs the engine's periodic full refresh.

    Subclasses set the class variables and implement :meth:`base_url`, :meth:`http_streams` and
    :meth:`read_stream`; they override :meth:`headers` or :meth:`auth` to authenticate and
    :meth:`checked` to look into the check's answer (Zendesk: is the user an admin?).
    """

    #: The vendor's name, as users know it, for messages: ``"HubSpot"``.
    vendor: ClassVar[str]
    #: What the configuration's credentials are called, for messages: ``"the API key"``.
    credentials: ClassVar[str] = "the credentials"
    #: A cheap ``GET`` that fails with 401/403 when the credentials are refused.
    check_path: ClassVar[str]
    check_params: ClassVar[Mapping[str, Any]] = {}
    #: The record field incremental reads filter on, the same for every stream.
    cursor_field: ClassVar[str]
    #: How far behind the sync's start the saved cursor is kept (see :class:`Stream`).
    lookback: ClassVar[timedelta] = timedelta(minutes=5)

    @abstractmethod
    def base_url(self, config: ConfigT) -> str:
        """The API's root, e.g. ``https://api.stripe.com`` (tests point it at a local server)."""

    @abstractmethod
    def http_streams(self, config: ConfigT) -> Sequence[HttpStream]:
        """The streams, in the order they should sync (accounts first)."""

    @abstractmethod
    def read_stream(self, client: HttpClient, stream: Stream, config: ConfigT, state: StreamState) -> Iterator[Message]:
        """The stream's messages from ``state`` on, read through ``client`` (see :meth:`Connector.read`)."""

    def headers(self, config: ConfigT) -> Mapping[str, str]:
        """Headers every request carries (a bearer token)."""
        return {}

    def auth(self, config: ConfigT) -> httpx.Auth | tuple[str, str] | None:
        """httpx authentication for every request (basic auth), when headers do not do."""
        return None

    def client(self, config: ConfigT, *, timeout: float = 30.0, max_retries: int = 5) -> HttpClient:
        """A client for one read, check or write; use it as a context manager."""
        return HttpClient(
            self.base_url(config),
            headers=self.headers(config),
            auth=self.auth(config),
            timeout=timeout,
            max_retries=max_retries,
        )

    def check(self, config: ConfigT) -> CheckResult:
        try:
            with self.client(config) as client:
                answer = client.get_json(self.check_path, params=dict(self.check_params))
        except ConnectorError as error:
            return CheckResult(False, f"{self.vendor} refused {self.credentials} or could not be reached: {error}")
        return self.checked(config, answer)

    def checked(self, config: ConfigT, answer: Any) -> CheckResult:
        """The check's verdict on the JSON answer of ``check_path``."""
        return CheckResult(True, f"Connected to {self.vendor} at {self.base_url(config)}")

    def streams(self, config: ConfigT) -> list[Stream]:
        return [
            Stream(
                name=spec.name,
                entity=spec.entity,
                cursor_field=self.cursor_field,
                lookback=self.lookback,
                reports_deletes=True,
                sync_modes=frozenset(SyncMode),
                description=spec.description,
            )
            for spec in self.http_streams(config)
        ]

    def read(self, stream: Stream, config: ConfigT, state: StreamState) -> Iterator[Message]:
        with self.client(config) as client:
            yield from self.read_stream(client, stream, config, state)


def map_or_reject(to_record: Callable[[VendorObject], Message], vendor_object: VendorObject, what: str) -> Message:
    """``to_record(vendor_object)``, or a :class:`RecordError` saying why ``what`` (``"Stripe invoice"``)
    could not be mapped, so one bad object is rejected without stopping the stream."""
    try:
        return to_record(vendor_object)
    except MAPPING_ERRORS as error:
        external_id = vendor_object.get("id")
        return RecordError(
            f"cannot map {what}: {error!r}",
            vendor_object,
            external_id=None if external_id is None else str(external_id),
        )
