"""acctgraph's Zendesk connector, registered through the ``acctgraph`` entry point like any partner's."""

from acctgraph import hookimpl
from acctgraph_zendesk.connector import ZendeskConnector

__all__ = ["ZendeskConnector"]


@hookimpl
def register_connectors() -> list[type[ZendeskConnector]]:
    return [ZendeskConnector]
