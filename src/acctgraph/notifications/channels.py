"""The two channels an owner can be told on: a Slack incoming webhook and e-mail over SMTP.

``Message`` is what is said; each channel renders it in its own format: Slack's incoming-webhook JSON
(``text`` as the notification fallback, ``blocks`` for the message), or a plain-text e-mail.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import httpx

from acctgraph.settings import Settings


class ChannelError(Exception):
    """A message could not be sent; the text says which channel and why."""


@dataclass(frozen=True)
class Message:
    """A title and lines of text (each line one bullet in Slack, one line in an e-mail)."""

    title: str
    lines: list[str] = field(default_factory=list)

    def text(self) -> str:
        return "\n".join([self.title, "", *self.lines]) if self.lines else self.title


def slack_payload(message: Message) -> dict[str, Any]:
    """Slack's incoming-webhook body: ``text`` for notifications, ``blocks`` (a header and a section)."""
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": message.title[:150]}}]
    if message.lines:
        body = "\n".join(f"• {line}" for line in message.lines)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": body[:3000]}})
    return {"text": message.text()[:3000], "blocks": blocks}


def send_slack(client: httpx.Client, webhook_url: str, message: Message, timeout: float = 10.0) -> None:
    try:
        response = client.post(webhook_url, json=slack_payload(message), timeout=timeout)
    except httpx.HTTPError as error:
        raise ChannelError(f"Slack: {type(error).__name__}: {error}") from None
    if response.status_code != 200:
        raise ChannelError(f"Slack answered HTTP {response.status_code}: {response.text[:200]}")


def send_email(settings: Settings, to: str, message: Message) -> None:
    """One plain-text e-mail through the configured SMTP server (``ACCTGRAPH_SMTP_HOST``)."""
    if not settings.smtp_host:
        raise ChannelError("e-mail is not configured: set ACCTGRAPH_SMTP_HOST (and _PORT, _FROM)")
    email = EmailMessage()
    email["From"] = settings.smtp_from
    email["To"] = to
    email["Subject"] = message.title
    email.set_content(message.text())
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.webhook_timeout_seconds) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_username and settings.smtp_password:
                smtp.login(settings.smtp_username, settings.smtp_password.get_secret_value())
            smtp.send_message(email)
    except (OSError, smtplib.SMTPException) as error:
        raise ChannelError(f"e-mail to {to}: {type(error).__name__}: {error}") from None
