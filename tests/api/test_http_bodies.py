"""Request bodies the endpoint cannot use get 400 (or 413) with a coded error in GraphQL's shape."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.served_api import ServeApi, ServedApi

GRAPHQL_RESPONSE = "application/graphql-response+json"

# HTTP handling only, the same whatever the database: run on SQLite alone (the protocol, limits and
# subscription tests run on both).
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("42", "expected a JSON object (or, for a batch, an array of objects), got int"),
        ('"{ me { role } }"', "expected a JSON object (or, for a batch, an array of objects), got str"),
        ("[1, 2]", "expected a JSON object (or, for a batch, an array of objects), got list"),
        ('{"query": "{ me { role } }"', "the request is not JSON: Expecting ',' delimiter at line 1 column 28"),
        ("", "the request is not JSON: Expecting value at line 1 column 1"),
        (b'{"query": "{ me { role } }", "x": "\xff"}', "the request is not UTF-8 (byte 35)"),
    ],
    ids=["number", "string", "array of numbers", "malformed", "empty", "latin-1"],
)
@pytest.mark.parametrize("accept", ["application/json", GRAPHQL_RESPONSE])
def test_a_body_that_is_not_a_json_object_is_a_coded_400(
    api: ServedApi, body: str | bytes, message: str, accept: str
) -> None:
    response = api.post(body, Accept=accept)

    assert response.status_code == 400
    assert response.headers["content-type"].startswith(accept)
    assert response.json() == {"errors": [{"message": message, "extensions": {"code": "BAD_REQUEST_BODY"}}]}


def test_a_body_over_the_limit_is_refused_with_413_before_it_is_read(serve_api: ServeApi) -> None:
    with serve_api(max_body_bytes=2048) as api:
        declared = api.post({"query": "{ me { role } }", "padding": "x" * 4096})
        chunked = httpx.post(api.graphql_url, headers=api.headers(), content=chunks(b"x" * 4096, 512))
        small = api.post({"query": "{ me { role } }", "padding": "x" * 1024})

    for response in (declared, chunked):
        assert response.status_code == 413
        error = response.json()["errors"][0]
        assert error["extensions"]["code"] == "REQUEST_TOO_LARGE"
        assert "2048 bytes" in error["message"]
    assert small.status_code == 200
    assert small.json() == {"data": {"me": {"role": "ADMIN"}}}


def chunks(data: bytes, size: int) -> Iterator[bytes]:
    """A body sent with ``Transfer-Encoding: chunked``: no Content-Length to refuse it by."""
    for start in range(0, len(data), size):
        yield data[start : start + size]


def test_an_unsupported_content_type_is_a_coded_400(api: ServedApi) -> None:
    response = api.post("query { me { role } }", **{"Content-Type": "text/plain"})

    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"message": "Unsupported content type", "extensions": {"code": "BAD_REQUEST"}}]
    }
