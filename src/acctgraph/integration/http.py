"""The one HTTP client every connector shares: timeouts, retries with backoff, ``Retry-After``, paging.

Failures become the contract's typed exceptions: 401/403 -> ``ConfigError``; 429 and 5xx are retried
(honouring ``Retry-After``) and, when retries run out, ``TransientError``; a ``Retry-After`` longer than
``max_wait`` -> ``RateLimited(until)`` so the run stops at its last checkpoint instead of sleeping.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from acctgraph.integration.errors import ConfigError, ConnectorError, RateLimited, TransientError

RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})


def retry_after_seconds(response: httpx.Response, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds, whether given as a number or an HTTP date; None when absent or bad."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


class HttpClient:
    """A well-behaved ``httpx.Client`` wrapper; use as a context manager.

    ``transport`` lets tests point it at a local server; ``sleep`` is injectable for the same reason.
    """

    def __init__(
        self,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        auth: httpx.Auth | tuple[str, str] | None = None,
        timeout: float = 30.0,
        max_retries: int = 5,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        max_wait: float = 60.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = httpx.Client(
            base_url=base_url,
            headers={"User-Agent": "acctgraph-connector", **(headers or {})},
            auth=auth,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            transport=transport,
        )
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_wait = max_wait
        self._sleep = sleep

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get_json(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs).json()

    def post_json(self, path: str, **kwargs: Any) -> Any:
        return self.request("POST", path, **kwargs).json()

    def request(self, method: str, path: str, *, accept: Collection[int] = (), **kwargs: Any) -> httpx.Response:
        """Send with retries; returns a 2xx response (or one of the ``accept`` statuses, e.g. a 400 whose
        body says why the vendor refused a write) or raises a typed connector exception."""
        for attempt in range(self.max_retries + 1):
            try:
                response = self._client.request(method, path, **kwargs)
            except httpx.TransportError as error:
                if attempt == self.max_retries:
                    raise TransientError(f"{method} {path}: {error!r} after {attempt + 1} attempts") from error
                self._sleep(self._backoff(attempt))
                continue
            if response.status_code not in RETRIED_STATUSES:
                return response if response.status_code in accept else self._checked(response)
            wait = retry_after_seconds(response)
            if wait is not None and wait > self.max_wait:
                raise RateLimited(
                    datetime.now(UTC) + timedelta(seconds=wait),
                    f"{method} {path}: rate limited for {wait:.0f}s (Retry-After)",
                )
            if attempt == self.max_retries:
                raise TransientError(f"{method} {path}: HTTP {response.status_code} after {attempt + 1} attempts")
            self._sleep(wait if wait is not None else self._backoff(attempt))
        raise AssertionError("unreachable")

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter."""
        return random.uniform(0, min(self.max_backoff, self.backoff * 2**attempt))

    @staticmethod
    def _checked(response: httpx.Response) -> httpx.Response:
        if response.status_code in (401, 403):
            raise ConfigError(
                f"{response.request.method} {response.request.url.path}: HTTP {response.status_code}, "
                "the credentials were refused; check the connection's token and its scopes"
            )
        if response.is_error:
            raise ConnectorError(
                f"{response.request.method} {response.request.url.path}: HTTP {response.status_code}: "
                f"{response.text[:300]}"
            )
        return response


@dataclass(frozen=True)
class Page:
    """One page of results: its items, the token that fetched it and the token of the next (None: last)."""

    items: list[Any]
    token: str | None
    next_token: str | None


def paginate(
    fetch_page: Callable[[str | None], tuple[list[Any], str | None]],
    start_token: str | None = None,
) -> Iterator[Page]:
    """Follow a token-paged API: ``fetch_page(token)`` returns ``(items, next_token)``.

    Suits HubSpot's ``after``, Stripe's ``starting_after`` and Zendesk's ``after_cursor``. Checkpoint
    after each page with ``resume={"token": page.next_token}`` to resume a killed read at that page.
    """
    token = start_token
    while True:
        items, next_token = fetch_page(token)
        yield Page(items=items, token=token, next_token=next_token)
        if not next_token or next_token == token:
            return
        token = next_token
