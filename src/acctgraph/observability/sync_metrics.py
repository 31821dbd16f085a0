"""Built-in plugin: counts each committed batch of a sync in ``acctgraph_sync_rows_total``."""

from __future__ import annotations

from typing import Any

from acctgraph.hookspecs import hookimpl
from acctgraph.observability.metrics import record_sync_rows


@hookimpl
def records_synced(connection: str, stream: str, records: list[Any]) -> None:
    record_sync_rows(connection, stream, len(records))
