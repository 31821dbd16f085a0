"""acctgraph's Stripe connector, registered through the ``acctgraph`` entry point like any partner's."""

from acctgraph import hookimpl
from acctgraph_stripe.connector import StripeConnector

__all__ = ["StripeConnector"]


@hookimpl
def register_connectors() -> list[type[StripeConnector]]:
    return [StripeConnector]
