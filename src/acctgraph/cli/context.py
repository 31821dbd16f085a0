"""What every command needs: the settings and a database engine checked to be reachable."""

from __future__ import annotations

from sqlalchemy import Engine

from acctgraph.db import check_connection, create_sync_engine
from acctgraph.settings import Settings, get_settings


def settings() -> Settings:
    return get_settings()


def connected_engine(database_url: str | None = None) -> Engine:
    """A sync engine for the configured database, failing with one line if it cannot be reached."""
    engine = create_sync_engine(database_url or settings().database_url)
    check_connection(engine)
    return engine
