"""Migration 0010 rewrites every timestamp SQLite holds into one canonical, fixed-width text form (and
leaves PostgreSQL's typed timestamps alone)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from acctgraph import migrations
from acctgraph.db import create_sync_engine

STORED = {
    "2026-11-30 15:07:57": datetime(2026, 11, 30, 15, 7, 57, tzinfo=UTC),
    "2026-11-30 15:07:57.620221": datetime(2026, 11, 30, 15, 7, 57, 620221, tzinfo=UTC),
    "2026-11-30 15:07:57.62": datetime(2026, 11, 30, 15, 7, 57, 620000, tzinfo=UTC),
    "2026-11-30T16:07:57+01:00": datetime(2026, 11, 30, 15, 7, 57, tzinfo=UTC),
}


def test_every_timestamp_is_rewritten_to_one_canonical_form(backend: str, new_database_url) -> None:  # type: ignore[no-untyped-def]
    url = new_database_url(backend)
    migrations.upgrade(url, "0006")
    engine = create_sync_engine(url)
    with engine.begin() as connection:
        for n, stored in enumerate(STORED):
            connection.execute(
                text(
                    "INSERT INTO users (id, email, name, role, active, created_at, updated_at) "
                    "VALUES (:id, :email, 'U', 'admin', true, :stamp, :stamp)"
                ),
                {"id": n + 1, "email": f"u{n}@example.com", "stamp": stored},
            )
    migrations.upgrade(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT created_at, updated_at FROM users ORDER BY id")).all()
    engine.dispose()
    expected = list(STORED.values())
    if backend == "sqlite":
        assert [row[0] for row in rows] == [value.strftime("%Y-%m-%d %H:%M:%S.%f") for value in expected]
        assert [row[1] for row in rows] == [row[0] for row in rows]
    else:
        assert [row[0] for row in rows] == expected
