"""acctgraph's HubSpot connector, registered through the ``acctgraph`` entry point like any partner's."""

from acctgraph import hookimpl
from acctgraph_hubspot.connector import HubSpotConnector

__all__ = ["HubSpotConnector"]


@hookimpl
def register_connectors() -> list[type[HubSpotConnector]]:
    return [HubSpotConnector]
