"""Huey's storage in PostgreSQL (Huey has none built in): the queue in the database acctgraph already
uses, so several workers on several machines share it with no new infrastructure.

Modelled on Huey's ``SqliteStorage``, in tables prefixed ``huey_`` created on first use. A worker takes
a task with ``DELETE ... WHERE id = (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING``: two workers never
get one task, and neither waits for the other's row lock.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import psycopg
from huey.constants import EmptyData
from huey.storage import BaseStorage

DDL = (
    "CREATE TABLE IF NOT EXISTS huey_task (id BIGSERIAL PRIMARY KEY, queue TEXT NOT NULL, data BYTEA NOT NULL, "
    "priority DOUBLE PRECISION NOT NULL DEFAULT 0)",
    "CREATE INDEX IF NOT EXISTS huey_task_queue_priority ON huey_task (queue, priority DESC, id)",
    "CREATE TABLE IF NOT EXISTS huey_schedule (id BIGSERIAL PRIMARY KEY, queue TEXT NOT NULL, "
    "data BYTEA NOT NULL, timestamp DOUBLE PRECISION NOT NULL)",
    "CREATE INDEX IF NOT EXISTS huey_schedule_queue_timestamp ON huey_schedule (queue, timestamp)",
    "CREATE TABLE IF NOT EXISTS huey_kv (queue TEXT NOT NULL, key TEXT NOT NULL, value BYTEA NOT NULL, "
    "PRIMARY KEY (queue, key))",
    "CREATE TABLE IF NOT EXISTS huey_counter (queue TEXT NOT NULL, key TEXT NOT NULL, "
    "value BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (queue, key))",
)
# Serialises the CREATE TABLE IF NOT EXISTS of workers starting together (it is not safe concurrently).
SCHEMA_LOCK_KEY = 0x68756579


class PostgresStorage(BaseStorage):  # type: ignore[misc]
    """A Huey ``BaseStorage`` over one psycopg connection per storage (autocommit), shared by the
    consumer's threads under a lock; a broken connection is reopened on the next call."""

    def __init__(self, name: str = "huey", conninfo: str = "", **kwargs: Any) -> None:
        super().__init__(name)
        self.conninfo = conninfo
        self.lock = threading.Lock()
        self._conn: psycopg.Connection[Any] | None = None
        with self._cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK_KEY,))
            try:
                for statement in DDL:
                    cursor.execute(statement)
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK_KEY,))

    def close(self) -> bool:
        with self.lock:
            if self._conn is None:
                return False
            self._conn.close()
            self._conn = None
            return True

    @contextmanager
    def _cursor(self, transaction: bool = False) -> Iterator[psycopg.Cursor[Any]]:
        with self.lock:
            if self._conn is None or self._conn.closed:
                self._conn = psycopg.connect(self.conninfo, autocommit=True)
            try:
                if transaction:
                    with self._conn.transaction(), self._conn.cursor() as cursor:
                        yield cursor
                else:
                    with self._conn.cursor() as cursor:
                        yield cursor
            except psycopg.OperationalError:
                self._conn.close()
                self._conn = None
                raise

    def _rows(self, query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def enqueue(self, data: bytes, priority: float | None = None) -> None:
        self._rows(
            "INSERT INTO huey_task (queue, data, priority) VALUES (%s, %s, %s)", (self.name, data, priority or 0)
        )

    def dequeue(self) -> bytes | None:
        rows = self._rows(
            "DELETE FROM huey_task WHERE id = (SELECT id FROM huey_task WHERE queue = %s "
            "ORDER BY priority DESC, id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING data",
            (self.name,),
        )
        return bytes(rows[0][0]) if rows else None

    def queue_size(self) -> int:
        return int(self._rows("SELECT count(*) FROM huey_task WHERE queue = %s", (self.name,))[0][0])

    def enqueued_items(self, limit: int | None = None) -> list[bytes]:
        rows = self._rows(
            "SELECT data FROM huey_task WHERE queue = %s ORDER BY priority DESC, id LIMIT %s", (self.name, limit)
        )
        return [bytes(data) for (data,) in rows]

    def flush_queue(self) -> None:
        self._rows("DELETE FROM huey_task WHERE queue = %s", (self.name,))

    def add_to_schedule(self, data: bytes, ts: datetime) -> None:
        self._rows(
            "INSERT INTO huey_schedule (queue, data, timestamp) VALUES (%s, %s, %s)", (self.name, data, ts.timestamp())
        )

    def read_schedule(self, ts: datetime) -> list[bytes]:
        rows = self._rows(
            "DELETE FROM huey_schedule WHERE id IN (SELECT id FROM huey_schedule WHERE queue = %s AND timestamp <= %s "
            "FOR UPDATE SKIP LOCKED) RETURNING timestamp, id, data",
            (self.name, ts.timestamp()),
        )
        return [bytes(data) for _, _, data in sorted(rows, key=lambda row: (row[0], row[1]))]

    def schedule_size(self) -> int:
        return int(self._rows("SELECT count(*) FROM huey_schedule WHERE queue = %s", (self.name,))[0][0])

    def scheduled_items(self, limit: int | None = None) -> list[bytes]:
        rows = self._rows(
            "SELECT data FROM huey_schedule WHERE queue = %s ORDER BY timestamp, id LIMIT %s", (self.name, limit)
        )
        return [bytes(data) for (data,) in rows]

    def flush_schedule(self) -> None:
        self._rows("DELETE FROM huey_schedule WHERE queue = %s", (self.name,))

    def put_data(self, key: str, value: bytes, is_result: bool = False) -> None:
        self._rows(
            "INSERT INTO huey_kv (queue, key, value) VALUES (%s, %s, %s) "
            "ON CONFLICT (queue, key) DO UPDATE SET value = EXCLUDED.value",
            (self.name, key, value),
        )

    def peek_data(self, key: str) -> Any:
        rows = self._rows("SELECT value FROM huey_kv WHERE queue = %s AND key = %s", (self.name, key))
        return bytes(rows[0][0]) if rows else EmptyData

    def pop_data(self, key: str) -> Any:
        rows = self._rows("DELETE FROM huey_kv WHERE queue = %s AND key = %s RETURNING value", (self.name, key))
        return bytes(rows[0][0]) if rows else EmptyData

    def has_data_for_key(self, key: str) -> bool:
        return bool(self._rows("SELECT 1 FROM huey_kv WHERE queue = %s AND key = %s", (self.name, key)))

    def put_if_empty(self, key: str, value: bytes, ttl: int | None = None) -> bool:
        if ttl is not None:
            raise NotImplementedError("ttl is not supported by the PostgreSQL storage")
        rows = self._rows(
            "INSERT INTO huey_kv (queue, key, value) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING RETURNING 1",
            (self.name, key, value),
        )
        return bool(rows)

    def incr(self, key: str, amount: int = 1) -> int:
        rows = self._rows(
            "INSERT INTO huey_counter (queue, key, value) VALUES (%s, %s, %s) ON CONFLICT (queue, key) "
            "DO UPDATE SET value = huey_counter.value + EXCLUDED.value RETURNING value",
            (self.name, key, amount),
        )
        return int(rows[0][0])

    def delete_counter(self, key: str) -> None:
        self._rows("DELETE FROM huey_counter WHERE queue = %s AND key = %s", (self.name, key))

    def result_store_size(self) -> int:
        return int(self._rows("SELECT count(*) FROM huey_kv WHERE queue = %s", (self.name,))[0][0])

    def result_items(self) -> dict[str, bytes]:
        return {
            key: bytes(value)
            for key, value in self._rows("SELECT key, value FROM huey_kv WHERE queue = %s", (self.name,))
        }

    def flush_results(self) -> None:
        self._rows("DELETE FROM huey_kv WHERE queue = %s", (self.name,))

    def flush_counters(self) -> None:
        self._rows("DELETE FROM huey_counter WHERE queue = %s", (self.name,))
