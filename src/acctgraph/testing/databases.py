"""Real test databases for acctgraph and its connectors (loaded by the ``acctgraph.testing`` pytest plugin).

A test that takes ``db_url``, ``engine`` or ``session`` runs on a SQLite file and, when
``ACCTGRAPH_TEST_POSTGRES_URL`` names a PostgreSQL server database, on a throwaway PostgreSQL database
created next to it for the run and dropped after. Each database is migrated to head once per run and
emptied after every test. Heavy imports happen only when a test asks for a database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

__all__ = [
    "POSTGRES_URL_VARIABLE",
    "backend",
    "create_postgres_database",
    "database_backends",
    "db_url",
    "drop_postgres_database",
    "empty_all_tables",
    "engine",
    "migrated_url",
    "new_database_url",
    "session",
]

POSTGRES_URL_VARIABLE = "ACCTGRAPH_TEST_POSTGRES_URL"


def database_backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get(POSTGRES_URL_VARIABLE) else ["sqlite"]


def _admin_engine(server_url: str | None = None) -> Engine:
    from sqlalchemy import create_engine

    from acctgraph.db import sync_url

    return create_engine(sync_url(server_url or os.environ[POSTGRES_URL_VARIABLE]), isolation_level="AUTOCOMMIT")


def create_postgres_database(server_url: str | None = None, prefix: str = "acctgraph_test") -> str:
    """Create an empty PostgreSQL database next to ``server_url``'s (default: the server's in the
    variable), and return its URL. The benchmarks make theirs with it too."""
    from sqlalchemy import text

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine(server_url)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    admin.dispose()
    return url


def drop_postgres_database(url: str, server_url: str | None = None) -> None:
    """Drop the database of ``url`` (made by :func:`create_postgres_database` on ``server_url``)."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    admin = _admin_engine(server_url)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def new_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], str]]:
    """A factory of empty databases of a backend ("sqlite" or "postgresql"), dropped at the end of the run."""
    created: list[str] = []

    def make(backend: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path_factory.mktemp('db') / 'acctgraph.db'}"
        url = create_postgres_database()
        created.append(url)
        return url

    yield make
    for url in created:
        drop_postgres_database(url)


@pytest.fixture(scope="session", params=database_backends())
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def migrated_url(backend: str, new_database_url: Callable[[str], str]) -> str:
    """One database per backend for the run, migrated to head."""
    from acctgraph import migrations

    url = new_database_url(backend)
    migrations.upgrade(url)
    return url


@pytest.fixture(scope="session")
def engine(migrated_url: str) -> Iterator[Engine]:
    from acctgraph.db import create_sync_engine

    engine = create_sync_engine(migrated_url)
    yield engine
    engine.dispose()


def empty_all_tables(engine: Engine) -> None:
    from acctgraph.models import Base

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
    from acctgraph.db import sync_sessionmaker

    with sync_sessionmaker(engine)() as session:
        yield session
