"""acctgraph Singer connector: runs any Singer tap as a subprocess and maps its streams to canonical
entities through a declarative mapping file; the tap's STATE is the checkpoint."""

from __future__ import annotations

from acctgraph import hookimpl
from acctgraph.integration.connector import Connector
from acctgraph_singer.connector import SingerConfig, SingerConnector

__version__ = "0.1.0"
__all__ = ["SingerConfig", "SingerConnector"]


@hookimpl
def register_connectors() -> list[type[Connector]]:
    return [SingerConnector]
