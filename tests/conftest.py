"""The GraphQL client fixture. The database fixtures (``db_url``, ``engine``, ``session``, ...) come from
the ``acctgraph.testing`` pytest plugin (acctgraph.testing.databases), which connector packages use too:
a SQLite file and, when ACCTGRAPH_TEST_POSTGRES_URL is set, a throwaway PostgreSQL database."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, event

from acctgraph import models as m
from acctgraph.app import create_app
from acctgraph.db import sync_sessionmaker
from acctgraph.settings import Settings
from acctgraph.testing.databases import database_backends
from tests.receivers import Receiver, served_receiver

pytest_plugins = ["tests.fixtures", "tests.served_api"]


def pytest_report_header() -> str:
    return f"acctgraph test databases: {', '.join(database_backends())}"


@dataclass
class GraphQLClient:
    """Posts operations to the real app over ASGI and counts the SQL statements each one issues.

    Authenticated by default as an admin; ``acting_as(user or role)`` and ``anonymous()`` give clients
    that act as someone else (commit the sample data first: they write their key on their own connection).
    """

    http: httpx.AsyncClient
    statements: list[str]
    engine: Engine
    token: str | None = None

    async def post(self, query: str, variables: dict[str, Any] | None = None, **headers: str) -> httpx.Response:
        self.statements.clear()
        if self.token:
            headers = {"Authorization": f"Bearer {self.token}", **headers}
        return await self.http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)

    async def execute(self, query: str, variables: dict[str, Any] | None = None, **headers: str) -> dict[str, Any]:
        response = await self.post(query, variables, **headers)
        assert response.status_code in (200, 400), response.text
        return response.json()

    def acting_as(
        self, user: m.User | None = None, role: m.Role = m.Role.ADMIN, integration: bool = False
    ) -> GraphQLClient:
        from tests.fixtures import SampleData  # imported late: pytest loads it as a plugin (assert rewriting)

        with sync_sessionmaker(self.engine)() as session:
            sample = SampleData(session)
            owner = (
                session.get(m.User, user.id)
                if user
                else sample.user(role=role, email=f"{uuid.uuid4().hex[:8]}@tests.acctgraph.dev")
            )
            token = sample.api_key(owner, integration=integration)
            session.commit()
        return replace(self, token=token)

    def anonymous(self) -> GraphQLClient:
        return replace(self, token=None)

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The ``data`` of an operation that must succeed."""
        result = await self.execute(query, variables)
        assert "errors" not in result, result["errors"]
        return result["data"]


@pytest.fixture
def api_settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, _env_file=None)


@pytest.fixture
async def graphql(api_settings: Settings, engine: Engine) -> AsyncIterator[GraphQLClient]:
    async with serving(api_settings, engine) as client:
        yield client


@asynccontextmanager
async def serving(settings: Settings, engine: Engine) -> AsyncIterator[GraphQLClient]:
    """A client of an app built from ``settings``, acting as an admin, counting the app's statements."""
    app = create_app(settings)
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "api_keys" not in statement:  # authentication's own bookkeeping is not the operation's work
            statements.append(statement)

    event.listen(app.state.engine.sync_engine, "before_cursor_execute", count)
    if app.state.inline_engine is not None:  # SQLite's single-statement reads (``db.inline_read_engine``)
        event.listen(app.state.inline_engine, "before_cursor_execute", count)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield GraphQLClient(http, statements, engine).acting_as(role=m.Role.ADMIN)
    await app.state.shutdown()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A local HTTP receiver recording every POST (webhooks, Slack), on its own port."""
    yield from served_receiver()
