"""Local stand-ins the notification tests send to: an HTTP receiver (webhooks and Slack's incoming
webhooks) and an SMTP server (aiosmtpd), each on its own free port of 127.0.0.1, per test."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from acctgraph.settings import Settings
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


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    stand_in = Receiver()
    with serve(stand_in.app()) as base_url:
        stand_in.url = base_url
        yield stand_in


class MailCollector:
    """aiosmtpd handler keeping every message it is given."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[MailCollector, int]]:
    collector = MailCollector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield collector, controller.port
    finally:
        controller.stop()


@pytest.fixture
def outbox_settings(db_url: str) -> Settings:
    """Quick retries and a low disabling threshold, so backoff and disabling happen within a test."""
    return Settings(
        database_url=db_url,
        webhook_retry_seconds=0.2,
        webhook_max_attempts=5,
        webhook_disable_after_failures=3,
        webhook_timeout_seconds=5,
        _env_file=None,
    )
