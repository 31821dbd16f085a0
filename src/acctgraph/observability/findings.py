"""What a ``doctor`` check reports: a finding per thing checked, ok, for information, or a problem to fix."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from acctgraph.models.base import utcnow

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


def waiting_finding(check: str, what: str, waiting: int, oldest: datetime | None, detail: str = "") -> Finding:
    """A queue's finding: a problem when its oldest item has waited past ``STALE_WAIT`` to start."""
    if oldest is None or utcnow() - oldest <= STALE_WAIT:
        return Finding(check, Status.OK, f"{waiting} {what} waiting")
    minutes = (utcnow() - oldest).total_seconds() / 60
    return Finding(
        check,
        Status.PROBLEM,
        f"{waiting} {what} waiting, the oldest for {minutes:.0f} min{detail}: no worker is taking them; "
        "start one with `acctgraph worker`",
    )
