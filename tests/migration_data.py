"""Testing a migration's back-fill: rows written at an older revision, then read after the upgrade."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Connection, text

from acctgraph import migrations
from acctgraph.db import create_sync_engine

T = TypeVar("T")


def upgraded_with_rows(url: str, revision: str, rows: str, read: Callable[[Connection], T]) -> T:
    """Upgrade ``url`` to ``revision``, run the ``;``-separated INSERTs of ``rows``, upgrade to head and
    return what ``read`` reads then."""
    migrations.upgrade(url, revision)
    engine = create_sync_engine(url)
    try:
        with engine.begin() as connection:
            for statement in filter(str.strip, rows.split(";")):
                connection.execute(text(statement))
        migrations.upgrade(url)
        with engine.connect() as connection:
            return read(connection)
    finally:
        engine.dispose()


def all_rows(connection: Connection, query: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in connection.execute(text(query))]
