"""What a ``doctor`` check reports: a finding per thing checked, ok, for information, or a problem to fix."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

STALE_WAIT = timedelta(minutes=10)
"""A sync request or job waiting longer than this to start means no worker is taking work."""


class Status(enum.StrEnum):
    OK = "ok"
    INFO = "info"
    PROBLEM = "problem"


@dataclass(frozen=True)
class Finding:
    check: str
    status: Status
    message: str


Check = Callable[[Session], Iterator[Finding]]
