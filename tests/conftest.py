"""Real databases for the tests: a SQLite file and, when ACCTGRAPH_TEST_POSTGRES_URL is set, a
throwaway PostgreSQL database created for the run. Tests that take ``db_url`` run on both."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session

from acctgraph import migrations
from acctgraph import models as m
from acctgraph.app import create_app
from acctgraph.db import create_sync_engine, sync_sessionmaker
from acctgraph.models import Base
from acctgraph.settings import Settings

pytest_plugins = ["tests.fixtures"]

POSTGRES_ADMIN_URL = os.environ.get("ACCTGRAPH_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_ADMIN_URL else ["sqlite"]


def pytest_report_header() -> str:
    return f"acctgraph test databases: {', '.join(BACKENDS)}"


def create_postgres_database() -> str:
    """Create an empty PostgreSQL database next to the admin URL's and return its URL."""
    assert POSTGRES_ADMIN_URL
    name = f"acctgraph_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(create_sync_engine(POSTGRES_ADMIN_URL).url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return create_sync_engine(POSTGRES_ADMIN_URL).url.set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    assert POSTGRES_ADMIN_URL
    name = create_sync_engine(url).url.database
    admin = create_engine(create_sync_engine(POSTGRES_ADMIN_URL).url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def new_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[callable]:
    """A factory of empty databases of a backend; every one is dropped at the end of the session."""
    created: list[str] = []

    def make(backend: str) -> str:
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'acctgraph.db'}"
        else:
            url = create_postgres_database()
            created.append(url)
        return url

    yield make
    for url in created:
        drop_postgres_database(url)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def migrated_url(backend: str, new_database_url) -> str:  # type: ignore[no-untyped-def]
    """One database per backend for the session, migrated to head."""
    url = new_database_url(backend)
    migrations.upgrade(url)
    return url


@pytest.fixture(scope="session")
def engine(migrated_url: str) -> Iterator[Engine]:
    engine = create_sync_engine(migrated_url)
    yield engine
    engine.dispose()


def empty_all_tables(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def db_url(migrated_url: str, engine: Engine) -> Iterator[str]:
    """The migrated database of the current backend, emptied after the test."""
    yield migrated_url
    empty_all_tables(engine)


@pytest.fixture
def session(db_url: str, engine: Engine) -> Iterator[Session]:
    with sync_sessionmaker(engine)() as session:
        yield session


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
    app = create_app(api_settings)
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "api_keys" not in statement:  # authentication's own bookkeeping is not the operation's work
            statements.append(statement)

    event.listen(app.state.engine.sync_engine, "before_cursor_execute", count)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield GraphQLClient(http, statements, engine).acting_as(role=m.Role.ADMIN)
    await app.state.engine.dispose()
