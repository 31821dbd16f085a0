"""Wires request ids, metrics and tracing into the Starlette app (``create_app`` calls ``instrument_app``).

Logging is the process's, not the app's: ``acctgraph serve`` configures it (``observability.logs``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

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


def instrument_app(app: Starlette, settings: Settings, graphql_engine: AsyncEngine, server_engine: AsyncEngine) -> None:
    """``graphql_engine`` serves GraphQL on its execution loop, ``server_engine`` the server loop's routes
    (``/metrics`` reads through it): both count toward a request's statements and both are traced."""
    for engine in (graphql_engine, server_engine):
        count_statements(engine.sync_engine)
    trace_sql(settings, [graphql_engine.sync_engine, server_engine.sync_engine])
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
