"""The GraphQL-over-HTTP audit of the ``graphql-http`` npm package: 0 MUST failures, 0 SHOULD warnings.

Run through node when ``npm`` is available (the real audit), and re-stated in Python below so that a
machine without node checks the same MUSTs and SHOULDs (each names the audit id it mirrors).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.served_api import ServedApi

GRAPHQL_HTTP_VERSION = "1.23.1"
GRAPHQL_JS_VERSION = "16.15.0"
AUDIT_SCRIPT = Path(__file__).with_name("graphql_http_audit.js")
GRAPHQL_RESPONSE = "application/graphql-response+json"
TYPENAME = {"query": "{ __typename }"}

# HTTP handling only, the same whatever the database: run on SQLite alone (the protocol, limits and
# subscription tests run on both).
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


@pytest.fixture(scope="session")
def graphql_http_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``graphql-http`` installed with npm in a directory of this test session."""
    if shutil.which("npm") is None or shutil.which("node") is None:
        pytest.skip("npm and node are not installed; the Python audit below covers the same checks")
    prefix = tmp_path_factory.mktemp("graphql-http")
    packages = [f"graphql-http@{GRAPHQL_HTTP_VERSION}", f"graphql@{GRAPHQL_JS_VERSION}"]
    install = subprocess.run(
        ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(prefix), *packages],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if install.returncode != 0:
        pytest.skip(f"npm could not install graphql-http: {install.stderr.strip()[-300:]}")
    return prefix / "node_modules"


@pytest.mark.slow
def test_the_graphql_http_audit_finds_no_failure_and_no_warning(graphql_http_package: Path, api: ServedApi) -> None:
    audit = subprocess.run(
        ["node", str(AUDIT_SCRIPT), api.graphql_url, api.admin_key],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NODE_PATH": str(graphql_http_package)},
    )
    assert audit.returncode == 0, audit.stderr
    results = [json.loads(line) for line in audit.stdout.splitlines()]
    failures = [f"{r['id']} {r['name']}: {r['reason']}" for r in results if r["status"] in ("error", "warn")]

    assert len(results) >= 60
    assert failures == []


def _post(
    api: ServedApi, body: Any, accept: str | None = None, content_type: str | None = "application/json"
) -> httpx.Response:
    headers = api.headers()
    if accept:
        headers["Accept"] = accept
    if content_type:
        headers["Content-Type"] = content_type
    content = body if isinstance(body, str) else json.dumps(body)
    return httpx.post(api.graphql_url, content=content, headers=headers, timeout=30)


# Media types (22EB, 4655, 47DE, 80D8, 82A3): test_http_protocol.test_the_response_media_type_follows_accept.


def test_utf8_requests_and_get_queries(api: ServedApi) -> None:
    emoji = _post(
        api, {"query": '{ __type(name: "Run🏃Swim🏊") { name } }'}, content_type="application/json; charset=utf-8"
    )
    get = httpx.get(api.graphql_url, params={"query": "{ __typename }"}, headers=api.headers())
    get_variables = httpx.get(
        api.graphql_url,
        params={"query": "query Type($name: String!) { __type(name: $name) { name } }", "variables": '{"name": "x"}'},
        headers=api.headers(Accept=GRAPHQL_RESPONSE),
    )

    assert emoji.status_code == 200  # BF61
    assert get.status_code == 200  # 5A70
    assert get_variables.status_code == 200  # D6D5, 6A70


def test_mutations_over_get_and_posts_without_content_type_are_4xx(api: ServedApi) -> None:
    mutation = httpx.get(
        api.graphql_url, params={"query": "mutation { __typename }"}, headers=api.headers(Accept=GRAPHQL_RESPONSE)
    )
    untyped = _post(api, TYPENAME, content_type=None)
    empty = _post(api, "")

    assert 400 <= mutation.status_code < 500  # 9C48
    assert 400 <= untyped.status_code < 500  # 9ABE
    assert empty.status_code == 400  # A5BF


@pytest.mark.parametrize(
    "body",
    [
        {"notquery": "{ __typename }"},
        {"query": {"obj": "ect"}},
        {"query": 0},
        {"query": False},
        {"query": ["array"]},
        {"query": "{ __typename }", "operationName": {"obj": "ect"}},
        {"query": "{ __typename }", "operationName": 0},
        {"query": "{ __typename }", "variables": "string"},
        {"query": "{ __typename }", "variables": 0},
        {"query": "{ __typename }", "variables": ["array"]},
        {"query": "{ __typename }", "extensions": "string"},
        {"query": "{ __typename }", "extensions": ["array"]},
    ],
)
def test_invalid_parameters_are_400(api: ServedApi, body: dict[str, Any]) -> None:
    response = _post(api, body, GRAPHQL_RESPONSE)

    assert response.status_code == 400  # 423L, LKJ*, 6C0*, 476*, 58B*, 3E3A
    assert response.json()["errors"][0]["extensions"]["code"]


@pytest.mark.parametrize(
    "extra",
    [
        {"operationName": None},
        {"variables": None},
        {"extensions": None},
        {"operationName": "Query"},
        {"variables": {"some": "value"}},
        {"extensions": {"some": "value"}},
    ],
)
@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, "application/json"])
def test_valid_parameters_are_200(api: ServedApi, extra: dict[str, Any], accept: str) -> None:
    query = "query Query { __typename }" if extra.get("operationName") else "{ __typename }"
    response = _post(api, {"query": query, **extra}, accept)

    assert response.status_code == 200  # 34A2, 13EE, 8161, B8B3, 94B*, 022*, 2EA1, 28B9, 428F, 1B7A


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, "application/json"])
def test_json_parse_failure_is_400(api: ServedApi, accept: str) -> None:
    assert _post(api, '{ "not a JSON', accept).status_code == 400  # BCF8, B7N8


@pytest.mark.parametrize(
    "body",
    [
        {"query": "{"},
        {"query": "{ 8f31403dfe404bccbb0e835f2629c6a7 }"},
        {"query": "query CoerceFailure($id: ID!){ __typename }", "variables": {"id": None}},
    ],
    ids=["parse 572B 556A D586", "validation FDE2 74FF 5E5B", "variables 7B9B 86EE"],
)
def test_request_errors_by_media_type(api: ServedApi, body: dict[str, Any]) -> None:
    legacy = _post(api, body, "application/json")
    modern = _post(api, body, GRAPHQL_RESPONSE)

    assert legacy.status_code == 200
    assert modern.status_code == 400
    assert "data" not in modern.json()
