"""Engines and session factories for SQLite and PostgreSQL, sync and async, from one URL."""

from __future__ import annotations

from typing import Any

import orjson
from psycopg.types.json import set_json_loads
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session, sessionmaker

URL_EXAMPLES = "e.g. sqlite:///acctgraph.db or postgresql://postgres@127.0.0.1:5432/acctgraph"


class DatabaseConfigError(Exception):
    """The database URL is malformed, names an unsupported database, or the database is unreachable."""


def parse_database_url(url: str) -> URL:
    """Parse a user-given URL, accepting only SQLite and PostgreSQL, with a message that says what to fix."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseConfigError(
            f"ACCTGRAPH_DATABASE_URL={url!r} is not a database URL; set it to a URL {URL_EXAMPLES}"
        ) from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseConfigError(
            f"ACCTGRAPH_DATABASE_URL uses {parsed.get_backend_name()!r}; acctgraph supports "
            f"SQLite and PostgreSQL, {URL_EXAMPLES}"
        )
    return parsed


def sync_url(url: str) -> URL:
    """The URL with the blocking driver: sqlite3 or psycopg."""
    parsed = parse_database_url(url)
    driver = "pysqlite" if parsed.get_backend_name() == "sqlite" else "psycopg"
    return parsed.set(drivername=f"{parsed.get_backend_name()}+{driver}")


def async_url(url: str) -> URL:
    """The URL with the asyncio driver: aiosqlite or psycopg (async mode)."""
    parsed = parse_database_url(url)
    driver = "aiosqlite" if parsed.get_backend_name() == "sqlite" else "psycopg"
    return parsed.set(drivername=f"{parsed.get_backend_name()}+{driver}")


def _engine_options(url: URL) -> dict[str, Any]:
    if url.get_backend_name() == "sqlite":
        return {"connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True}


def _configure_sqlite(engine: Engine) -> None:
    """Foreign keys on, WAL so readers never wait on the syncing writer."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def create_sync_engine(url: str, **options: Any) -> Engine:
    """A blocking engine, for the CLI, migrations, connectors' sync runs and batch jobs."""
    parsed = sync_url(url)
    engine = create_engine(parsed, **{**_engine_options(parsed), **options})
    if parsed.get_backend_name() == "sqlite":
        _configure_sqlite(engine)
    return engine


def create_async_db_engine(url: str, **options: Any) -> AsyncEngine:
    """An asyncio engine, for the GraphQL API: resolvers never block the event loop (JSON columns are
    parsed by orjson on PostgreSQL)."""
    parsed = async_url(url)
    if parsed.get_backend_name() == "postgresql":
        set_json_loads(orjson.loads)
    engine = create_async_engine(parsed, **{**_engine_options(parsed), **options})
    if parsed.get_backend_name() == "sqlite":
        _configure_sqlite(engine.sync_engine)
    return engine


def inline_read_engine(url: str, **options: Any) -> Engine | None:
    """For a SQLite file, a blocking engine for the API's single-statement reads (``Database.one_read``):
    SQLite runs in-process, and a read of a page takes a fraction of a millisecond, less than the five
    thread hops aiosqlite makes for it (cursor, execute, fetch, close, rollback: ~1 ms). None for
    PostgreSQL and in-memory SQLite (another connection would be another database)."""
    parsed = sync_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return create_sync_engine(url, **options)


def sync_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def async_session_factory(engine: AsyncEngine, info: dict[str, Any] | None = None) -> async_sessionmaker[AsyncSession]:
    """Sessions for the API; ``info`` is copied into each session's ``Session.info``."""
    return async_sessionmaker(engine, expire_on_commit=False, info=info)


def check_connection(engine: Engine) -> None:
    """Run ``SELECT 1``, turning a driver error into one line that says what to fix."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise DatabaseConfigError(
            f"cannot reach the database at {engine.url.render_as_string(hide_password=True)}: "
            f"{reason}. Check ACCTGRAPH_DATABASE_URL and that the server is running."
        ) from None


def refresh_planner_statistics(session: Session) -> None:
    """ANALYZE after a bulk load: without statistics PostgreSQL plans a freshly loaded table as one row
    and re-runs the MRR aggregate per account (150 ms for the first accounts page by ARR of the demo
    book; a few ms after ANALYZE)."""
    session.execute(text("ANALYZE"))
    session.commit()
