"""Per-request state: one async session (used serially), the settings, the DataLoaders."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import Result, Select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from strawberry.dataloader import DataLoader

from acctgraph.settings import Settings

T = TypeVar("T")


class Database:
    """The request's AsyncSession behind a lock: strawberry resolves fields concurrently, a session
    runs one statement at a time."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._lock = asyncio.Lock()

    async def execute(self, statement: Select[Any]) -> Result[Any]:
        async with self._lock:
            return await self.session.execute(statement)

    async def all(self, statement: Select[Any]) -> Sequence[Any]:
        async with self._lock:
            return (await self.session.execute(statement)).all()

    async def scalars(self, statement: Select[Any]) -> Sequence[Any]:
        async with self._lock:
            return (await self.session.scalars(statement)).all()

    async def scalar(self, statement: Select[Any]) -> Any:
        async with self._lock:
            return await self.session.scalar(statement)

    async def run_sync(self, function: Callable[[Session], T]) -> T:
        """Run sync domain code on this session without blocking the event loop."""
        async with self._lock:
            return await self.session.run_sync(function)

    async def close(self) -> None:
        """Release the connection; one left broken by a cancelled statement is dropped from the pool."""
        try:
            await self.session.close()
        except SQLAlchemyError:
            await self.session.invalidate()


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
