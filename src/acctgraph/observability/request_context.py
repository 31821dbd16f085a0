"""What the current request is: its id and the figures gathered while it runs (operation, SQL statements).

A context variable, so logs, the GraphQL extension and the SQL listener reach it without being handed it.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

REQUEST_ID_HEADER = "x-request-id"
_ACCEPTED_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


@dataclass
class RequestStats:
    request_id: str
    operation: str | None = None
    statements: int = 0


CURRENT_REQUEST: ContextVar[RequestStats | None] = ContextVar("acctgraph_request", default=None)


def request_id_from(header: str | None) -> str:
    """The caller's ``X-Request-ID`` when it is a sane token (so a proxy's id threads through), else a new one."""
    if header and _ACCEPTED_ID.match(header):
        return header
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    stats = CURRENT_REQUEST.get()
    return stats.request_id if stats else None
