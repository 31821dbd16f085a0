"""Migrations round-trip on both databases, and the models and the migrations agree."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from acctgraph import migrations
from acctgraph.db import create_sync_engine
from acctgraph.models import Base


def table_names(url: str) -> set[str]:
    engine = create_sync_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_round_trip(backend: str, new_database_url) -> None:
    url = new_database_url(backend)

    migrations.upgrade(url)
    after_upgrade = table_names(url)
    migrations.downgrade(url, "base")
    after_downgrade = table_names(url)
    migrations.upgrade(url)

    assert after_upgrade == set(Base.metadata.tables)
    assert after_downgrade == set()
    assert table_names(url) == after_upgrade


def test_models_and_migrations_agree(migrated_url: str) -> None:
    engine = create_sync_engine(migrated_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": _not_the_job_queues_own}
        )
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()

    assert differences == []


def _not_the_job_queues_own(name: str | None, type_: str, _parents: object) -> bool:
    """Huey's PostgreSQL storage creates its tables (huey_*) in the database on first use, outside the
    migrations: a worker test that ran earlier in the session leaves them."""
    return not (type_ in ("table", "index") and (name or "").startswith("huey_"))
