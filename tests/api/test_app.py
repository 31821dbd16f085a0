"""The Starlette app around the API: health check and GraphiQL."""

from __future__ import annotations

import httpx

from acctgraph.app import create_app
from acctgraph.settings import Settings
from tests.conftest import GraphQLClient


async def test_healthz_reports_a_reachable_database(graphql: GraphQLClient) -> None:
    response = await graphql.http.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "reachable"}


async def test_healthz_reports_an_unreachable_database() -> None:
    app = create_app(Settings(database_url="postgresql://postgres@127.0.0.1:1/nowhere", _env_file=None))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        response = await http.get("/healthz")
    await app.state.shutdown()

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


async def test_graphiql_is_served_to_browsers(graphql: GraphQLClient) -> None:
    response = await graphql.http.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 200
    assert "graphiql" in response.text.lower()
