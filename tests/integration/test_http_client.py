"""The shared HTTP client: retries on 429/5xx honouring Retry-After, typed errors, paging."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from acctgraph.integration.errors import ConfigError, RateLimited, TransientError
from acctgraph.integration.http import HttpClient, paginate, retry_after_seconds


def client_for(responses: list[httpx.Response], sleeps: list[float], **options: object) -> HttpClient:
    """A client whose server answers with ``responses`` in turn (httpx's own in-process transport)."""
    queue = iter(responses)
    transport = httpx.MockTransport(lambda request: next(queue))
    return HttpClient("https://api.example", transport=transport, sleep=sleeps.append, **options)  # type: ignore[arg-type]


def test_429_is_retried_after_the_seconds_retry_after_gives() -> None:
    sleeps: list[float] = []
    client = client_for(
        [httpx.Response(429, headers={"Retry-After": "3"}), httpx.Response(200, json={"ok": 1})], sleeps
    )
    assert client.get_json("/things") == {"ok": 1}
    assert sleeps == [3.0]


def test_5xx_is_retried_with_backoff_then_gives_up_as_transient() -> None:
    sleeps: list[float] = []
    client = client_for([httpx.Response(503)] * 3, sleeps, max_retries=2, backoff=1.0)
    with pytest.raises(TransientError, match="HTTP 503 after 3 attempts"):
        client.get_json("/things")
    assert len(sleeps) == 2 and all(0 <= wait <= 2.0 for wait in sleeps)


def test_a_retry_after_beyond_max_wait_ends_the_run_as_rate_limited() -> None:
    client = client_for([httpx.Response(429, headers={"Retry-After": "86400"})], [], max_wait=60)
    with pytest.raises(RateLimited) as raised:
        client.get_json("/things")
    assert (raised.value.until - datetime.now(UTC)).total_seconds() > 86000


def test_refused_credentials_are_a_config_error() -> None:
    client = client_for([httpx.Response(401)], [])
    with pytest.raises(ConfigError, match="credentials were refused"):
        client.get_json("/things")


def test_retry_after_as_an_http_date() -> None:
    response = httpx.Response(429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:30 GMT"})
    assert retry_after_seconds(response, now=datetime(2015, 10, 21, 7, 28, 0, tzinfo=UTC)) == 30.0


def test_paginate_follows_tokens_until_the_last_page() -> None:
    pages = {None: ([1, 2], "b"), "b": ([3], "c"), "c": ([4], None)}
    result = list(paginate(lambda token: pages[token]))
    assert [page.items for page in result] == [[1, 2], [3], [4]]
    assert [page.next_token for page in result] == ["b", "c", None]
    assert [page.items for page in paginate(lambda token: pages[token], start_token="c")] == [[4]]
