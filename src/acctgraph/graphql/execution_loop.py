"""An event loop in its own thread, where the GraphQL endpoint's HTTP operations run.

Resolving a large result is Python work (building ORM rows, completing long lists) that holds an event
loop for as long as it runs; on the server's own loop it would stall every other request, ``/healthz``
included. Run here, it only competes for the interpreter, which switches threads every few
milliseconds, so the server's loop keeps accepting requests and answering health checks. The loop has
its own engine (an asyncio engine's pool belongs to one loop).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class ExecutionLoop:
    """Started on first use; ``stop`` ends it (after an optional last coroutine, e.g. disposing an engine)."""

    def __init__(self, name: str = "acctgraph-graphql") -> None:
        self.name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                self._thread = threading.Thread(target=self._loop.run_forever, name=self.name, daemon=True)
                self._thread.start()
            return self._loop

    async def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Await ``coroutine`` run on this loop; cancelling the caller cancels it there."""
        future = asyncio.run_coroutine_threadsafe(coroutine, self._running_loop())
        try:
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            future.cancel()
            raise

    async def stop(self, last: Coroutine[Any, Any, Any] | None = None) -> None:
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None or thread is None:
            if last is not None:
                last.close()
            return
        if last is not None:
            await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(last, loop))
        loop.call_soon_threadsafe(loop.stop)
        await asyncio.to_thread(thread.join, 10)
        loop.close()
