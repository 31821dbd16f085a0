"""A time limit on each GraphQL request that also stops the SQL the request has running.

Cancelling the request's task only abandons the *await*: aiosqlite's thread would go on running the
statement and PostgreSQL would go on executing it. So every statement a request issues is noted (an
engine event reads the request's ``ContextVar``) and, when the time is up, the statement still running
on that connection is stopped: ``sqlite3.Connection.interrupt()`` on SQLite, a protocol-level cancel
request on PostgreSQL. The engine options bound what a cancel cannot reach: SQLite's wait for a lock
(``timeout``) and PostgreSQL's ``statement_timeout`` are both the request's time limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

logger = logging.getLogger(__name__)


LOCK_WAIT_MARGIN_SECONDS = 1.0
"""SQLite waits this much longer for a lock than the time limit, so the limit, not a "database is
locked" error, ends a request (an interrupt cannot end a lock wait; the wait ends by itself)."""


class RequestTimedOut(Exception):
    """The request ran past its time limit; its SQL was cancelled."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the request took longer than {seconds:g} s and was stopped; ask for fewer rows or fields")


class RunningStatements:
    """The database connection a request last ran a statement on, to stop what still runs there."""

    def __init__(self) -> None:
        self.driver_connection: Any = None
        self.stopped = False
        """Whether the time limit stopped a statement (its driver error then means the time was up)."""

    def cancel(self) -> None:
        """Stop the statement running on the connection, if any (a no-op on an idle one)."""
        connection = self.driver_connection
        if connection is None:
            return
        self.stopped = True
        try:
            sqlite = getattr(connection, "_conn", None)  # aiosqlite keeps the sqlite3 connection there
            if sqlite is not None:
                sqlite.interrupt()
            elif hasattr(connection, "pgconn"):  # psycopg: a cancel request on a separate connection
                connection.cancel()
        except Exception as error:  # the connection is dropped from the pool anyway
            logger.warning("could not cancel a timed-out statement: %s", error)


_running: ContextVar[RunningStatements | None] = ContextVar("acctgraph_running_statements", default=None)


def track_statements(engine: AsyncEngine | Engine) -> None:
    """Note, for the request running it, the connection of every statement ``engine`` executes."""

    def note(connection: Any, *_args: Any) -> None:
        running = _running.get()
        if running is not None:
            running.driver_connection = connection.connection.driver_connection

    event.listen(engine.sync_engine if isinstance(engine, AsyncEngine) else engine, "before_cursor_execute", note)


def engine_options(database_url: str, seconds: float) -> dict[str, Any]:
    """Driver options that bound lock waits and statements by the request time limit."""
    if make_url(database_url).get_backend_name() == "sqlite":
        return {"connect_args": {"timeout": seconds + LOCK_WAIT_MARGIN_SECONDS}}
    return {"connect_args": {"options": f"-c statement_timeout={round(seconds * 1000)}"}}


@contextlib.asynccontextmanager
async def time_limit(seconds: float) -> AsyncIterator[None]:
    """Run the block for at most ``seconds``; past that, cancel its SQL and raise ``RequestTimedOut``."""
    running = RunningStatements()
    token = _running.set(running)
    # Stop the SQL first (this timer is due before the task's), so nothing waits on a running statement
    # while the task unwinds: closing the session would wait behind it.
    stop_statement = asyncio.get_running_loop().call_later(seconds, running.cancel)
    try:
        async with asyncio.timeout(seconds):
            yield
    except TimeoutError:
        raise RequestTimedOut(seconds) from None
    except Exception:
        # The stopped statement's own error ("interrupted", "canceling statement") can reach the block
        # before the timeout does: it is the time limit all the same.
        if running.stopped:
            raise RequestTimedOut(seconds) from None
        raise
    finally:
        stop_statement.cancel()
        _running.reset(token)
