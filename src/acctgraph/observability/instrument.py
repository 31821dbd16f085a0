"""Wires request ids, metrics and tracing into the Starlette app (``create_app`` calls ``instrument_app``).

Logging is the process's, not the app's: ``acctgraph serve`` configures it (``observability.logs``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from acctgraph.observability.metrics import exposition
from acctgraph.observability.middleware import ObserveRequests, count_statements
from acctgraph.observability.readings import refresh_gauges
from acctgraph.observability.tracing import trace_sql
from acctgraph.settings import Settings


def instrument_app(
    app: Starlette,
    settings: Settings,
    graphql_engine: AsyncEngine,
    server_engine: AsyncEngine,
    inline_engine: Engine | None = None,
) -> None:
    """``graphql_engine`` serves GraphQL on its execution loop, ``server_engine`` the server loop's routes
    (``/metrics`` reads through it), ``inline_engine`` SQLite's single-statement reads: all count toward
    a request's statements and all are traced."""
    engines = [graphql_engine.sync_engine, server_engine.sync_engine, *([inline_engine] if inline_engine else [])]
    for engine in engines:
        count_statements(engine)
    trace_sql(settings, engines)
    app.add_middleware(ObserveRequests)
    if settings.metrics:
        app.router.routes.append(Route("/metrics", _metrics_endpoint(server_engine)))


def _metrics_endpoint(engine: AsyncEngine) -> Callable[[Request], Awaitable[Response]]:
    async def metrics(_request: Request) -> Response:
        async with AsyncSession(engine) as session:
            await session.run_sync(refresh_gauges)
        body, content_type = exposition()
        return Response(body, media_type=content_type)

    return metrics
