"""Fixtures of the SQL connector's tests: source databases (a SQLite file, the run's PostgreSQL source
database, a DuckDB file) and a SQLite source holding the sample data of ``sql_sources``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sql_sources import write_source

from acctgraph.testing.databases import create_postgres_database, drop_postgres_database


@pytest.fixture(scope="session")
def postgres_source_url() -> Iterator[str]:
    """One PostgreSQL source database for the run (tests rewrite its tables), dropped at the end."""
    url = create_postgres_database()
    yield url.replace("postgresql://", "postgresql+psycopg://", 1)
    drop_postgres_database(url)


@pytest.fixture
def new_source_url(tmp_path: Path, request: pytest.FixtureRequest) -> Callable[[str], str]:
    """A factory of source databases: "sqlite" or "duckdb" (a new file), "postgresql" (the run's)."""

    def make(backend: str) -> str:
        if backend == "postgresql":
            return str(request.getfixturevalue("postgres_source_url"))
        return f"{backend}:///{tmp_path / f'source.{backend}'}"

    return make


@pytest.fixture
def sqlite_source(new_source_url: Callable[[str], str]) -> str:
    url = new_source_url("sqlite")
    write_source(url)
    return url
