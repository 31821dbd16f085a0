"""ASGI middleware: gives each HTTP request an id (the caller's ``X-Request-ID`` or a new one, returned in
the response), counts its SQL statements, and records its metrics and one log line when it ends."""

from __future__ import annotations

import logging
import time

from sqlalchemy import Engine, event
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from acctgraph.observability.metrics import record_request
from acctgraph.observability.request_context import CURRENT_REQUEST, RequestStats, request_id_from

logger = logging.getLogger("acctgraph.request")
ROUTES = frozenset({"/", "/graphql", "/healthz", "/metrics"})


class ObserveRequests:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        stats = RequestStats(request_id_from(Headers(scope=scope).get("x-request-id")))
        token = CURRENT_REQUEST.set(stats)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-ID"] = stats.request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            # Unknown paths share one label, so a scanner cannot grow the metrics without bound.
            operation = stats.operation or (scope["path"] if scope["path"] in ROUTES else "other")
            record_request(operation, status, seconds, stats.statements)
            logger.info(
                "%s %s %s",
                scope["method"],
                scope["path"],
                status,
                extra={
                    "operation": operation,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 1),
                    "sql_statements": stats.statements,
                },
            )
            CURRENT_REQUEST.reset(token)


def count_statements(engine: Engine) -> None:
    """Count each SQL statement the engine runs against the request it runs for."""

    def count(*_args: object) -> None:
        stats = CURRENT_REQUEST.get()
        if stats is not None:
            stats.statements += 1

    event.listen(engine, "before_cursor_execute", count)
