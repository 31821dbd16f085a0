"""The Starlette application factory: ``/graphql`` (HTTP, websockets, GraphiQL and its assets) and ``/healthz``.

GraphQL over HTTP runs on its own event loop thread (``graphql.execution_loop``). Around every
route: CORS for the origins in ``ACCTGRAPH_CORS_ORIGINS``, gzip for large responses, and
the request body size limit.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator

from sqlalchemy import Engine, make_url, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from acctgraph.db import async_session_factory, create_async_db_engine, inline_read_engine
from acctgraph.domain.read_model import summary_session_info
from acctgraph.graphiql import STATIC_DIRECTORY, STATIC_PATH
from acctgraph.graphql.body_limit import LimitBodySize
from acctgraph.graphql.deadline import engine_options, track_statements
from acctgraph.graphql.execution_loop import ExecutionLoop
from acctgraph.graphql.http import AcctgraphGraphQL
from acctgraph.integration.plugins import plugin_manager, started_plugin_manager
from acctgraph.observability.instrument import instrument_app
from acctgraph.observability.tracing import flush_spans
from acctgraph.settings import Settings, get_settings

GZIP_MINIMUM_BYTES = 1000
COLLECTOR_THRESHOLDS = (20_000, 20, 20)
"""Python's defaults (700, 10, 10) suit scripts; a GraphQL request allocates tens of thousands of objects,
so the youngest generation is collected every few hundred microseconds and the oldest often. With the
startup objects frozen (below), the rarer full collections only walk what requests left behind."""


def _engine(settings: Settings, pool_size: int) -> AsyncEngine:
    """An engine for the API: a pool of the worker's share, no liveness ping on every checkout (a
    connection the server dropped fails its statement and is discarded from the pool)."""
    options = engine_options(settings.database_url, settings.request_timeout_seconds)
    url = make_url(settings.database_url)
    if not (url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")):
        options |= {"pool_size": pool_size, "max_overflow": pool_size // 2}  # an in-memory SQLite has one connection
    engine = create_async_db_engine(settings.database_url, pool_pre_ping=False, **options)
    track_statements(engine)
    return engine


def _inline_engine(settings: Settings) -> Engine | None:
    """SQLite's blocking engine for single-statement reads on the execution loop (``db.inline_read_engine``);
    its connections are opened and used in that loop's thread only."""
    options = engine_options(settings.database_url, settings.request_timeout_seconds)
    inline = inline_read_engine(settings.database_url, pool_pre_ping=False, **options)
    if inline is not None:
        track_statements(inline)
    return inline


async def _dispose(engine: AsyncEngine, inline: Engine | None) -> None:
    """Close the execution loop's engines, in its thread (where the inline engine's connections live)."""
    await engine.dispose()
    if inline is not None:
        inline.dispose()


def freeze_startup_objects() -> None:
    """Move everything alive after startup (modules, the schema, settings, plugins) out of the collector's
    view, and size its thresholds for a server: full collections stop walking long-lived objects that are
    never garbage (they took ~136 ms, in 1 request of 4, before: issue 14)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)


def create_app(settings: Settings | None = None) -> Starlette:
    """Build the app. It keeps no state between requests, so any number of workers can serve it.

    Two engines, one per event loop: ``engine`` (``app.state.engine``) for GraphQL over HTTP, run on
    the execution loop's thread, and one for the server's own loop (``/healthz`` and websockets); on a
    SQLite file a third, blocking one (``app.state.inline_engine``) for single-statement reads in the
    execution loop's thread.
    """
    settings = settings or get_settings()
    engine, server_engine = _engine(settings, settings.pool_size), _engine(settings, settings.pool_size)
    execution = ExecutionLoop()
    info = summary_session_info(settings.reporting_currency)  # the read model in the app's currency
    inline = _inline_engine(settings)
    graphql_view = AcctgraphGraphQL(
        settings, async_session_factory(engine, info), async_session_factory(server_engine, info), execution, inline
    )
    plugins = plugin_manager(settings)

    async def healthz(_request: Request) -> JSONResponse:
        try:
            async with server_engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError) as error:
            return JSONResponse({"status": "unavailable", "database": type(error).__name__}, status_code=503)
        return JSONResponse({"status": "ok", "database": "reachable"})

    async def home(_request: Request) -> RedirectResponse:
        return RedirectResponse("/graphql")

    async def shutdown() -> None:
        await server_engine.dispose()
        await execution.stop(_dispose(engine, inline))

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        started_plugin_manager(settings)  # the startup hook, once per process
        freeze_startup_objects()
        yield
        flush_spans(settings)
        await shutdown()

    routes = [
        Route("/", home),
        Route("/healthz", healthz),
        Mount(STATIC_PATH, StaticFiles(directory=STATIC_DIRECTORY), name="graphiql-assets"),
        Route("/graphql", graphql_view, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql_view),
    ]
    middleware = [
        Middleware(
            CORSMiddleware,
            allow_origins=settings.allowed_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "Accept"],
            max_age=600,
        ),
        Middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_BYTES),
        Middleware(LimitBodySize, max_bytes=settings.max_body_bytes),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    instrument_app(app, settings, engine, server_engine, inline)
    app.state.engine = engine
    app.state.inline_engine = inline
    app.state.shutdown = shutdown
    app.state.plugins = plugins
    return app
