"""Built-in plugin: logs each committed batch of a sync, through the same hook any plugin implements."""

from __future__ import annotations

import logging
from typing import Any

from acctgraph import hookimpl

logger = logging.getLogger("acctgraph.sync")


@hookimpl
def records_synced(connection: str, stream: str, entity: str, records: list[Any]) -> None:
    logger.info("%s/%s: %d %s records committed", connection, stream, len(records), entity)
