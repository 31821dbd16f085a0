"""acctgraph SQL connector: any SQLAlchemy URL, one SQL query per stream mapped to a canonical entity,
incremental on a cursor column, read in batches with flat memory."""

from __future__ import annotations

from acctgraph import hookimpl
from acctgraph.integration.connector import Connector
from acctgraph_sql.connector import SqlConfig, SqlConnector, SqlStream

__version__ = "0.1.0"
__all__ = ["SqlConfig", "SqlConnector", "SqlStream"]


@hookimpl
def register_connectors() -> list[type[Connector]]:
    return [SqlConnector]
