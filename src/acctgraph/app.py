"""The Starlette application factory: ``/graphql`` (with GraphiQL) and ``/healthz``."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from strawberry.asgi import GraphQL

from acctgraph.db import async_session_factory, create_async_db_engine
from acctgraph.graphql.context import Database, RequestContext
from acctgraph.graphql.schema import build_schema
from acctgraph.settings import Settings, get_settings


class AcctgraphGraphQL(GraphQL[RequestContext, None]):
    """Strawberry's ASGI app with acctgraph's request context (a fresh session per operation)."""

    def __init__(self, settings: Settings, sessions: Any) -> None:
        super().__init__(build_schema(settings), graphql_ide="graphiql" if settings.graphiql else None)
        self.settings = settings
        self.sessions = sessions

    async def get_context(self, request: Request, response: Response) -> RequestContext:  # type: ignore[override]
        return RequestContext(db=Database(self.sessions()), settings=self.settings, request=request, response=response)


def create_app(settings: Settings | None = None) -> Starlette:
    """Build the app. It keeps no state between requests, so any number of workers can serve it."""
    settings = settings or get_settings()
    engine = create_async_db_engine(settings.database_url)
    graphql_app = AcctgraphGraphQL(settings, async_session_factory(engine))

    async def healthz(_request: Request) -> JSONResponse:
        try:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError) as error:
            return JSONResponse({"status": "unavailable", "database": type(error).__name__}, status_code=503)
        return JSONResponse({"status": "ok", "database": "reachable"})

    async def home(_request: Request) -> RedirectResponse:
        return RedirectResponse("/graphql")

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        await engine.dispose()

    routes = [
        Route("/", home),
        Route("/healthz", healthz),
        Route("/graphql", graphql_app, methods=["GET", "POST"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.engine = engine
    return app
