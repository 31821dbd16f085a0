"""acctgraph's Salesforce connector, registered through the ``acctgraph`` entry point like any partner's."""

from acctgraph import hookimpl
from acctgraph_salesforce.connector import SalesforceConnector

__all__ = ["SalesforceConnector"]


@hookimpl
def register_connectors() -> list[type[SalesforceConnector]]:
    return [SalesforceConnector]
