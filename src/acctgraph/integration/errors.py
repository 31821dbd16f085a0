"""The typed exceptions of the connector contract: each tells the sync engine what to do next."""

from __future__ import annotations

from datetime import datetime


class ConnectorError(Exception):
    """Something went wrong in a connector; the run fails with this message."""


class ConfigError(ConnectorError):
    """The configuration or credentials are wrong: retrying cannot help, the admin must fix the connection."""


class TransientError(ConnectorError):
    """A passing failure (network, 5xx): the engine retries the stream from its last checkpoint, with backoff."""


class RateLimited(ConnectorError):
    """The source refuses requests until ``until``: the run ends as a partial success at its last checkpoint
    and the next run resumes from there (like a daily API quota)."""

    def __init__(self, until: datetime, message: str = "") -> None:
        self.until = until
        super().__init__(message or f"rate limited until {until.isoformat()}")
