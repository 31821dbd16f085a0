"""Run one sync of a connection in its own process, so a test can kill it with SIGKILL at any moment.

Usage: python -m tests.integration.sync_process DATABASE_URL CONNECTION [--full-refresh]
"""

from __future__ import annotations

import sys

from acctgraph.db import create_sync_engine
from tests.integration.conftest import sync

if __name__ == "__main__":
    database_url, connection = sys.argv[1:3]
    full_refresh = "--full-refresh" in sys.argv[3:]
    run = sync(create_sync_engine(database_url), connection, batch_size=40, full_refresh=full_refresh)
    print(run.status)
