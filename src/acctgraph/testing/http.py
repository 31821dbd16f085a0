"""Helpers for testing HTTP connectors: local vendor stand-ins, reads, and syncs into a test database.

A connector test starts a real server on 127.0.0.1 (uvicorn in a thread, on a free port) and points
the connector at it, so the connector's real HTTP code runs: headers, paging, retries. What every
vendor stand-in needs is here, once: starting and stopping the server, refusing requests without the
right credentials, answering 429 with ``Retry-After`` (or slowly) on demand, and a log of the requests
received. The vendor's own endpoints and JSON shapes live with each connector's tests.

``read_messages`` runs one read of a connector and sorts what it yielded (the connector on its own);
``sync_connection`` and ``synced_counts`` run a connection of it through the sync engine into a test
database (the connector end to end); ``start_sync_process`` runs that sync in a process a test can
kill (``python -m acctgraph.testing.http DATABASE_URL MODULE:CLASS BATCH_SIZE``).
"""

from __future__ import annotations

import asyncio
import importlib
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import uvicorn
from pydantic import BaseModel, SecretStr
from sqlalchemy import Engine, func, select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from acctgraph.db import create_sync_engine, sync_sessionmaker
from acctgraph.integration.connections import Connectors, add_connection, check_connection, get_connection
from acctgraph.integration.connector import (
    Checkpoint,
    CheckResult,
    Connector,
    ConnectorConfig,
    RecordError,
    StreamState,
    Tombstone,
)
from acctgraph.integration.engine import SyncOptions, run_sync
from acctgraph.integration.secrets import new_key
from acctgraph.models import Connection, SyncRun, SyncRunStatus

__all__ = [
    "TEST_SECRET_KEY",
    "RequestLog",
    "StreamMessages",
    "VendorControls",
    "VendorStandIn",
    "add_test_connection",
    "check_connection_of",
    "read_messages",
    "serve",
    "serving",
    "start_sync_process",
    "sync_connection",
    "synced_counts",
    "vendor_app",
    "wait_until_run_started",
]

V = TypeVar("V", bound="VendorStandIn")


@dataclass
class RequestLog:
    """What the stand-in received, for tests that assert how the connector called the API."""

    method: str
    path: str
    query: str
    status: int


@dataclass
class VendorControls:
    """Faults a test injects and what it can read back: throttling, and the requests received."""

    requests: list[RequestLog] = field(default_factory=list)
    delay: float = 0.0  # seconds added to every answer, so that a test can stop a sync half-way
    _throttled: list[tuple[str, int]] = field(default_factory=list)

    def throttle(self, path_prefix: str, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next ``times`` requests under ``path_prefix`` with 429 and ``Retry-After``."""
        self._throttled.extend([(path_prefix, retry_after)] * times)

    def throttling_for(self, path: str) -> int | None:
        """The Retry-After seconds if this request is to be throttled (consuming one fault)."""
        for index, (prefix, retry_after) in enumerate(self._throttled):
            if path.startswith(prefix):
                del self._throttled[index]
                return retry_after
        return None

    def paths(self, status: int | None = None) -> list[str]:
        return [entry.path for entry in self.requests if status is None or entry.status == status]


class _VendorGate:
    """ASGI middleware: logs each request, refuses bad credentials, throttles on demand."""

    def __init__(
        self,
        app: ASGIApp,
        controls: VendorControls,
        authorized: Callable[[Request], bool],
        unauthorized: Callable[[], Response],
        throttled: Callable[[int], Response],
    ) -> None:
        self.app, self.controls = app, controls
        self.authorized, self.unauthorized, self.throttled = authorized, unauthorized, throttled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        refusal = self._refusal(request)
        entry = RequestLog(request.method, request.url.path, request.url.query, 200)
        self.controls.requests.append(entry)

        async def logging_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                entry.status = message["status"]
            await send(message)

        if self.controls.delay:
            await asyncio.sleep(self.controls.delay)
        await (refusal or self.app)(scope, receive, logging_send)

    def _refusal(self, request: Request) -> Response | None:
        if not self.authorized(request):
            return self.unauthorized()
        retry_after = self.controls.throttling_for(request.url.path)
        if retry_after is not None:
            response = self.throttled(retry_after)
            response.headers["Retry-After"] = str(retry_after)
            return response
        return None


def vendor_app(
    routes: Sequence[BaseRoute],
    controls: VendorControls,
    authorized: Callable[[Request], bool],
    unauthorized: Callable[[], Response] = lambda: JSONResponse({"error": "unauthorized"}, status_code=401),
    throttled: Callable[[int], Response] = lambda seconds: JSONResponse({"error": "rate limited"}, status_code=429),
) -> ASGIApp:
    """A Starlette app of a vendor's endpoints behind the credential check and the throttle.

    ``unauthorized`` and ``throttled`` build the vendor's own error bodies (status 401 and 429).
    """
    return _VendorGate(Starlette(routes=list(routes)), controls, authorized, unauthorized, throttled)


class VendorStandIn(Protocol):
    """What a vendor stand-in offers: its app, and the base URL it is served at once started."""

    base_url: str

    def app(self) -> ASGIApp: ...


@contextmanager
def serving(vendor: V) -> Iterator[V]:
    """Serve a vendor stand-in for the block, its ``base_url`` set."""
    with serve(vendor.app()) as base_url:
        vendor.base_url = base_url
        yield vendor


@contextmanager
def serve(app: ASGIApp, lifespan: bool = False) -> Iterator[str]:
    """Run ``app`` on a free port of 127.0.0.1 for the block; yields its base URL (no trailing slash).
    ``lifespan`` runs the app's start-up and shut-down (e.g. disposing of its engine in its own loop)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on" if lifespan else "off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the local vendor server failed to start")
            threading.Event().wait(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@dataclass
class StreamMessages:
    """The messages of one ``Connector.read``, sorted by kind and in order (unlike
    ``acctgraph.testing.read_stream``, tombstones are kept), for assertions."""

    records: list[dict[str, Any]] = field(default_factory=list)
    tombstones: list[Tombstone] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)
    checkpoints: list[Checkpoint] = field(default_factory=list)

    def state(self) -> StreamState:
        """The state the last checkpoint leaves, as the engine would pass it to the next read."""
        last = self.checkpoints[-1]
        return StreamState(cursor=last.cursor, resume=dict(last.resume))

    def ids(self) -> list[str]:
        return [record["external_id"] for record in self.records]


def read_messages(
    connector: Connector, config: ConnectorConfig, stream: str, state: StreamState | None = None
) -> StreamMessages:
    """Run one read to its end; records are validated against the stream's canonical schema."""
    record_type = connector.stream(config, stream).record_type
    result = StreamMessages()
    for message in connector.read(connector.stream(config, stream), config, state or StreamState()):
        if isinstance(message, Tombstone):
            result.tombstones.append(message)
        elif isinstance(message, RecordError):
            result.errors.append(message)
        elif isinstance(message, Checkpoint):
            result.checkpoints.append(message)
        else:
            record = message if isinstance(message, BaseModel) else record_type.model_validate(message)
            result.records.append(record.model_dump())
    return result


#: One key per test process, so a connection added by a test can be read back by the engine.
TEST_SECRET_KEY = SecretStr(new_key())


def add_test_connection(engine: Engine, connector_class: type[Connector], values: Mapping[str, Any]) -> Connectors:
    """Add a connection of ``connector_class``, named after it, unless there is one; secrets are sealed
    with this process's key, or given as ``env:VAR`` for a sync in another process."""
    connectors = Connectors({connector_class.name: connector_class})
    with sync_sessionmaker(engine)() as session:
        if session.scalar(select(Connection).where(Connection.name == connector_class.name)) is None:
            add_connection(session, connectors, connector_class.name, connector_class.name, values, TEST_SECRET_KEY)
            session.commit()
    return connectors


def sync_connection(
    engine: Engine, connector_class: type[Connector], values: Mapping[str, Any], options: SyncOptions = SyncOptions()
) -> SyncRun:
    """Sync a connection of ``connector_class`` (added on first use, named after it) through the engine."""
    connectors = add_test_connection(engine, connector_class, values)
    return run_sync(engine, connector_class.name, connectors, secret_key=TEST_SECRET_KEY, options=options)


def start_sync_process(database_url: str, connector_class: type[Connector], batch_size: int) -> subprocess.Popen[bytes]:
    """One sync of the test connection in its own process, for a test to kill with SIGKILL (its secrets
    given as ``env:VAR``: this process's key does not cross)."""
    class_path = f"{connector_class.__module__}:{connector_class.__qualname__}"
    command = [sys.executable, "-m", "acctgraph.testing.http", database_url, class_path, str(batch_size)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_until_run_started(engine: Engine, run_number: int, process: subprocess.Popen[bytes]) -> None:
    """Poll until the process has recorded its run, so the kill lands inside the sync, not in start-up."""
    deadline = time.monotonic() + 60
    with engine.connect() as connection:
        while connection.execute(select(func.count()).select_from(SyncRun)).scalar_one() < run_number:
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else "sync exited"
            assert time.monotonic() < deadline, "the sync process never started its run"
            time.sleep(0.02)
            connection.rollback()


def check_connection_of(engine: Engine, connector_class: type[Connector]) -> CheckResult:
    """``check`` of the connection ``sync_connection`` added, as ``acctgraph connections check`` runs it."""
    with sync_sessionmaker(engine)() as session:
        connection = get_connection(session, connector_class.name)
        return check_connection(connection, Connectors({connector_class.name: connector_class}), TEST_SECRET_KEY)


def synced_counts(
    engine: Engine, connector_class: type[Connector], values: Mapping[str, Any]
) -> dict[str, dict[str, int]]:
    """``sync_connection``, asserting the run succeeded; its per-stream counts
    ``{stream: {"read", "created", "updated", "unchanged", "deleted", "rejected", "quarantined"}}``."""
    run = sync_connection(engine, connector_class, values)
    assert run.status == SyncRunStatus.SUCCEEDED, f"the sync ended {run.status}: {run.error}"
    names = ("read", "created", "updated", "unchanged", "deleted", "rejected", "quarantined")
    return {counts.stream: {name: getattr(counts, name) for name in names} for counts in run.streams}


def _sync_in_this_process(database_url: str, class_path: str, batch_size: str) -> None:
    module, name = class_path.split(":")
    connector_class = getattr(importlib.import_module(module), name)
    connectors = Connectors({connector_class.name: connector_class})
    options = SyncOptions(batch_size=int(batch_size))
    run_sync(create_sync_engine(database_url), connector_class.name, connectors, options=options)


if __name__ == "__main__":
    _sync_in_this_process(*sys.argv[1:4])
