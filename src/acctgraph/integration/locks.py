"""One sync per connection at a time, across processes: a PostgreSQL advisory lock, or an flock'ed file
named after the SQLite database and the connection. Both are released by the server or the operating
system if the process dies (kill -9)."""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text


class SyncLockedError(Exception):
    """Another process is syncing this connection."""


def _message(connection: str, holder: str) -> str:
    return (
        f"connection {connection!r} is already being synced by another process ({holder}); "
        "wait for that run to finish (`acctgraph sync status`) and run it again"
    )


def _advisory_key(connection: str) -> int:
    digest = hashlib.blake2b(f"acctgraph-sync:{connection}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@contextmanager
def connection_lock(engine: Engine, connection: str) -> Iterator[None]:
    """Hold the connection's sync lock for the block, or raise :class:`SyncLockedError` at once."""
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine, connection):
            yield
    else:
        with _file_lock(_lock_path(engine, connection), connection):
            yield


@contextmanager
def _advisory_lock(engine: Engine, connection: str) -> Iterator[None]:
    key = _advisory_key(connection)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
        if not db.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}):
            holder = db.scalar(
                text(
                    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid::bigint = (:key & 4294967295)"
                ),
                {"key": key},
            )
            raise SyncLockedError(_message(connection, f"database backend pid {holder}" if holder else "advisory lock"))
        try:
            yield
        finally:
            db.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})


def _lock_path(engine: Engine, connection: str) -> Path:
    """A lock file per (database file, connection) in the temporary directory, out of the user's way."""
    database = engine.url.database or ":memory:"
    location = database if database == ":memory:" else str(Path(database).resolve())
    digest = hashlib.blake2b(f"{location}\0{connection}".encode(), digest_size=8).hexdigest()
    return Path(tempfile.gettempdir()) / f"acctgraph-sync-{digest}.lock"


@contextmanager
def _file_lock(path: Path, connection: str) -> Iterator[None]:
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 64, 0).decode(errors="replace").strip() or "unknown"
            raise SyncLockedError(_message(connection, f"pid {holder}")) from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(descriptor)
