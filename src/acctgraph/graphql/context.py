"""Per-request state: one async session (used serially), the settings, the DataLoaders."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import strawberry
from sqlalchemy import Engine, Result, Row, Select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from strawberry.dataloader import DataLoader

from acctgraph.domain.actors import Actor
from acctgraph.settings import Settings

T = TypeVar("T")


class Database:
    """The request's AsyncSession behind a lock: strawberry resolves fields concurrently, a session
    runs one statement at a time.

    A statement, once started, runs to its end even when its field is cancelled (graphql-core cancels
    a query's other fields when a non-null one fails; a timeout cancels them all): a cancelled statement
    would leave the session half-way through opening its connection, unable even to close. ``close``
    waits for it, under the same lock.
    """

    def __init__(self, session: AsyncSession, inline_reads: Engine | None = None) -> None:
        """``inline_reads``: SQLite's blocking engine for ``one_read`` (``db.inline_read_engine``)."""
        self.session = session
        self.inline_reads = inline_reads
        self._lock = asyncio.Lock()

    async def _serially(self, work: Callable[[], Awaitable[T]]) -> T:
        async def locked() -> T:
            async with self._lock:
                return await work()

        return await asyncio.shield(locked())

    async def execute(self, statement: Select[Any]) -> Result[Any]:
        return await self._serially(lambda: self.session.execute(statement))

    async def one_read(self, statement: Select[Any]) -> Row[Any]:
        """The one row of a statement that is the request's only read: on PostgreSQL outside a transaction
        (a statement is its own consistent snapshot), which saves the ``BEGIN`` before it and the
        ``ROLLBACK`` at close, two round trips; run on the Core connection, without the ORM's execution.
        On a SQLite file it runs on ``inline_reads``, blocking this thread (the execution loop's) for the
        fraction of a millisecond a page takes, instead of five hops to aiosqlite's thread."""

        async def row() -> Row[Any]:
            if self.session.in_transaction():
                return (await self.session.execute(statement)).one()
            if self.inline_reads is not None:
                with self.inline_reads.connect() as inline:
                    return inline.execute(statement).one()
            options = {"isolation_level": "AUTOCOMMIT"} if _is_postgresql(self.session) else None
            connection = await self.session.connection(execution_options=options)
            return (await connection.execute(statement)).one()

        return await self._serially(row)

    async def all(self, statement: Select[Any]) -> Sequence[Any]:
        async def rows() -> Sequence[Any]:
            return (await self.session.execute(statement)).all()

        return await self._serially(rows)

    async def scalars(self, statement: Select[Any]) -> Sequence[Any]:
        async def values() -> Sequence[Any]:
            return (await self.session.scalars(statement)).all()

        return await self._serially(values)

    async def scalar(self, statement: Select[Any]) -> Any:
        return await self._serially(lambda: self.session.scalar(statement))

    async def run_sync(self, function: Callable[[Session], T]) -> T:
        """Run sync domain code on this session without blocking the event loop."""
        return await self._serially(lambda: self.session.run_sync(function))

    async def close(self) -> None:
        """Release the connection once no statement runs; one left broken is dropped from the pool."""
        async with self._lock:
            try:
                await self.session.close()
            except SQLAlchemyError:
                await self.session.invalidate()


def _is_postgresql(session: AsyncSession) -> bool:
    return session.bind is not None and session.bind.dialect.name == "postgresql"


class Loaders:
    """DataLoaders of one request, created on first use, so a field loads its data once per batch."""

    def __init__(self) -> None:
        self._loaders: dict[Any, DataLoader[Any, Any]] = {}

    def get(self, key: Any, batch_load: Callable[[list[Any]], Any]) -> DataLoader[Any, Any]:
        loader = self._loaders.get(key)
        if loader is None:
            loader = self._loaders[key] = DataLoader(load_fn=batch_load)
        return loader


@dataclass
class RequestContext:
    db: Database
    settings: Settings
    request: Request | None = None
    response: Response | None = None
    loaders: Loaders = field(default_factory=Loaders)
    today: date = field(default_factory=lambda: datetime.now(UTC).date())
    viewer: Actor | None = None


Info = strawberry.Info[RequestContext, None]
"""What every resolver receives: strawberry's ``Info`` over acctgraph's request context."""
