"""acctgraph's testing kit for connectors, a pytest plugin (entry point ``pytest11``: ``acctgraph``).

- :mod:`acctgraph.testing.contract`: :class:`ConnectorContract`, the contract kit a connector's tests subclass;
- :mod:`acctgraph.testing.checks`: its checks, as functions;
- :mod:`acctgraph.testing.engine_runs`: a connector synced through the real engine, killed and resumed;
- :mod:`acctgraph.testing.databases`: the ``db_url`` / ``engine`` / ``session`` fixtures (SQLite and PostgreSQL);
- :mod:`acctgraph.testing.http`: local vendor servers (``serving``, ``VendorControls``) and sync helpers.

The plugin is inert until a test uses it: no hooks, no autouse fixtures, nothing heavy imported at start-up.
"""

from acctgraph.testing.checks import StreamRead, read_stream
from acctgraph.testing.contract import ConnectorContract

pytest_plugins = ["acctgraph.testing.databases"]

__all__ = ["ConnectorContract", "StreamRead", "read_stream"]
