"""GraphQL over HTTP as clients speak it: media types and status codes, batching (Apollo's
BatchHttpLink), automatic persisted queries (PersistedQueryLink), gzip and CORS."""

from __future__ import annotations

import hashlib
import json

import httpx
import pytest

from tests.served_api import ServeApi, ServedApi

GRAPHQL_RESPONSE = "application/graphql-response+json"
ME = "{ me { role } }"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"query": "{ me { role }"}, "GRAPHQL_PARSE_FAILED"),
        ({"query": "{ me { nope } }"}, "GRAPHQL_VALIDATION_FAILED"),
        ({"query": "query($n: Int) { accounts(first: $n) { totalCount } }", "variables": {"n": "many"}}, None),
    ],
    ids=["parse", "validation", "variables"],
)
def test_request_errors_are_400_without_data_for_graphql_response_json_and_200_for_json(
    api: ServedApi, body: dict[str, object], code: str | None
) -> None:
    modern = api.post(body, Accept=GRAPHQL_RESPONSE)
    legacy = api.post(body, Accept="application/json")

    assert modern.status_code == 400
    assert modern.headers["content-type"] == f"{GRAPHQL_RESPONSE}; charset=utf-8"
    assert "data" not in modern.json()
    assert modern.json()["errors"][0]["message"]
    assert legacy.status_code == 200
    assert legacy.headers["content-type"] == "application/json; charset=utf-8"
    assert legacy.json()["data"] is None
    assert legacy.json()["errors"] == modern.json()["errors"]


def test_a_field_error_keeps_200_and_data_under_either_media_type(api: ServedApi) -> None:
    query = '{ me { role } account(id: "QWNjb3VudDo5OTk5OTk=") { name } }'
    for accept in (GRAPHQL_RESPONSE, "application/json"):
        response = api.post({"query": query}, Accept=accept)
        assert response.status_code == 200
        assert response.json()["data"]["me"] == {"role": "ADMIN"}


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        ("application/json", "application/json"),
        ("*/*", "application/json"),
        (None, "application/json"),
        (f"application/json, {GRAPHQL_RESPONSE};q=0.9", "application/json"),
        (f"{GRAPHQL_RESPONSE}, application/json;q=0.9", GRAPHQL_RESPONSE),
    ],
)
def test_the_response_media_type_follows_accept(api: ServedApi, accept: str | None, media_type: str) -> None:
    headers = {"Accept": accept} if accept else {}
    response = api.post({"query": ME}, **headers)

    assert response.status_code == 200
    assert response.headers["content-type"] == f"{media_type}; charset=utf-8"
    assert response.json() == {"data": {"me": {"role": "ADMIN"}}}


def test_a_mutation_over_get_is_405_and_a_query_over_get_runs(api: ServedApi) -> None:
    mutation = httpx.get(
        api.graphql_url, params={"query": "mutation { __typename }"}, headers=api.headers(Accept=GRAPHQL_RESPONSE)
    )
    query = httpx.get(api.graphql_url, params={"query": ME}, headers=api.headers())

    assert mutation.status_code == 405
    assert mutation.headers["allow"] == "POST"
    assert mutation.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
    assert query.json() == {"data": {"me": {"role": "ADMIN"}}}


def test_a_batch_answers_each_operation_in_order_as_batch_http_link_expects(api: ServedApi) -> None:
    batch = [
        {"query": ME, "operationName": None, "variables": {}},
        {"query": "query Count { accounts { totalCount } }", "operationName": "Count", "variables": {}},
        {"query": "{ nope }"},
    ]
    response = api.post(batch)

    assert response.status_code == 200
    results = response.json()
    assert results[0] == {"data": {"me": {"role": "ADMIN"}}}
    assert results[1] == {"data": {"accounts": {"totalCount": 0}}}
    assert results[2]["data"] is None
    assert "nope" in results[2]["errors"][0]["message"]


def test_a_batch_over_the_limit_is_a_coded_400(serve_api: ServeApi) -> None:
    with serve_api(max_batch_operations=2) as api:
        response = api.post([{"query": ME}] * 3)

    assert response.status_code == 400
    assert response.json() == {"errors": [{"message": "Too many operations", "extensions": {"code": "BAD_REQUEST"}}]}


def _persisted(query: str) -> dict[str, object]:
    return {"persistedQuery": {"version": 1, "sha256Hash": hashlib.sha256(query.encode()).hexdigest()}}


def test_automatic_persisted_queries_speak_apollos_protocol(api: ServedApi) -> None:
    extensions = _persisted(ME)

    unknown = api.post({"extensions": extensions})
    registered = api.post({"query": ME, "extensions": extensions})
    by_hash = api.post({"extensions": extensions})
    by_get = httpx.get(api.graphql_url, params={"extensions": json.dumps(extensions)}, headers=api.headers())

    assert unknown.status_code == 200
    assert unknown.json()["errors"] == [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]
    for response in (registered, by_hash, by_get):
        assert response.json() == {"data": {"me": {"role": "ADMIN"}}}


def test_a_persisted_query_whose_hash_does_not_match_is_refused(api: ServedApi) -> None:
    response = api.post({"query": ME, "extensions": _persisted("{ me { user { name } } }")})

    assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
    assert api.post({"extensions": _persisted("{ me { user { name } } }")}).json()["errors"][0]["extensions"] == {
        "code": "PERSISTED_QUERY_NOT_FOUND"
    }


def test_the_persisted_query_cache_is_bounded_least_recently_used_first(serve_api: ServeApi) -> None:
    queries = ["{ me { role } }", "{ me { user { name } } }", "{ accounts { totalCount } }"]
    with serve_api(persisted_queries_cache_size=2) as api:
        for query in queries:
            api.post({"query": query, "extensions": _persisted(query)})
        found = [
            "errors" not in api.post({"extensions": _persisted(query)}, Accept="application/json").json()
            for query in queries
        ]

    assert found == [False, True, True]


def test_large_responses_are_gzipped_small_ones_are_not(api: ServedApi) -> None:
    introspection = "{ __schema { types { name fields { name description } } } }"
    with httpx.Client(headers=api.headers(**{"Accept-Encoding": "gzip"})) as client:
        large = client.post(api.graphql_url, json={"query": introspection})
        small = client.post(api.graphql_url, json={"query": ME})

    assert large.headers["content-encoding"] == "gzip"
    assert int(large.headers["content-length"]) < len(large.content) / 3
    assert json.loads(large.content)["data"]["__schema"]["types"]
    assert "content-encoding" not in small.headers


ALLOWED = "https://app.example.com"


def test_cors_preflight_allows_the_configured_origins_with_authorization(serve_api: ServeApi) -> None:
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }
    with serve_api(cors_origins=f"{ALLOWED}, https://other.example.com") as api:
        allowed = httpx.options(api.graphql_url, headers={"Origin": ALLOWED, **preflight})
        refused = httpx.options(api.graphql_url, headers={"Origin": "https://evil.example.com", **preflight})
        call = api.post({"query": ME}, Origin=ALLOWED)
        foreign_call = api.post({"query": ME}, Origin="https://evil.example.com")

    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == ALLOWED
    assert {"authorization", "content-type"} <= {
        header.strip().lower() for header in allowed.headers["access-control-allow-headers"].split(",")
    }
    assert "POST" in allowed.headers["access-control-allow-methods"]
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
    assert call.headers["access-control-allow-origin"] == ALLOWED
    assert "access-control-allow-origin" not in foreign_call.headers


def test_no_origin_is_allowed_by_default(api: ServedApi) -> None:
    preflight = httpx.options(api.graphql_url, headers={"Origin": ALLOWED, "Access-Control-Request-Method": "POST"})

    assert "access-control-allow-origin" not in preflight.headers
