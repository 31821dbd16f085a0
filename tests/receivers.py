"""A local HTTP receiver for what acctgraph sends out (webhooks, Slack's incoming webhooks), served on
its own free port of 127.0.0.1 per test: the `receiver` fixture (tests/conftest.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from acctgraph.testing.http import serve


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Records every POST; answers each with the next status of ``statuses`` (200 once they run out)."""

    url: str = ""
    statuses: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def endpoint(self, request: Request) -> Response:
        body = await request.body()
        with self.lock:
            self.received.append(Received(request.url.path, dict(request.headers), body))
            status = self.statuses.pop(0) if self.statuses else 200
        return Response("ok" if status < 300 else "receiver is down", status_code=status)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/{path:path}", self.endpoint, methods=["POST"])])

    def on(self, path: str) -> list[Received]:
        return [item for item in self.received if item.path == path]


def served_receiver() -> Iterator[Receiver]:
    stand_in = Receiver()
    with serve(stand_in.app()) as base_url:
        stand_in.url = base_url
        yield stand_in
