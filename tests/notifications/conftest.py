"""Local stand-ins the notification tests send to: an SMTP server (aiosmtpd) on its own free port of
127.0.0.1, per test; the HTTP receiver (webhooks, Slack's incoming webhooks) is `tests/receivers.py`'s."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from acctgraph.settings import Settings


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
