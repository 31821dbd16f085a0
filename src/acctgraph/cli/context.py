"""What every command needs: the settings and a database engine checked to be reachable."""

from __future__ import annotations

from sqlalchemy import Engine

from acctgraph.cli.errors import CommandError
from acctgraph.db import check_connection, create_sync_engine
from acctgraph.migrations import pending_revisions
from acctgraph.settings import Settings, get_settings


def settings() -> Settings:
    return get_settings()


def connected_engine(database_url: str | None = None, migrated: bool = True) -> Engine:
    """A sync engine for the configured database, failing with one line if it cannot be reached or
    (unless ``migrated`` is False, as for the ``db`` commands) its schema is not the code's."""
    engine = create_sync_engine(database_url or settings().database_url)
    check_connection(engine)
    if migrated:
        current, head = pending_revisions(engine)
        if head is not None:
            engine.dispose()
            found = f"is at revision {current}" if current else "has no acctgraph tables yet"
            raise CommandError(f"the database {found}; this acctgraph needs {head}: run `acctgraph db upgrade`")
    return engine
