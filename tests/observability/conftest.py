"""An app over ASGI for the observability tests, with its engine reachable to count statements independently."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from starlette.applications import Starlette

from acctgraph import models as m
from acctgraph.app import create_app
from acctgraph.settings import Settings
from tests.fixtures import SampleData


@dataclass
class Served:
    app: Starlette
    http: httpx.AsyncClient
    token: str

    async def query(self, document: str, **headers: str) -> httpx.Response:
        return await self.http.post(
            "/graphql", json={"query": document}, headers={"Authorization": f"Bearer {self.token}", **headers}
        )


@pytest.fixture
async def served(api_settings: Settings, sample: SampleData) -> AsyncIterator[Served]:
    token = sample.api_key(sample.user(role=m.Role.ADMIN))
    sample.session.commit()
    app = create_app(api_settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield Served(app, http, token)
    await app.state.engine.dispose()
