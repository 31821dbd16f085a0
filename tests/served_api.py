"""The API served for real: uvicorn on a free port of 127.0.0.1, called over HTTP and websockets."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from acctgraph import models as m
from acctgraph.app import create_app
from acctgraph.settings import Settings
from acctgraph.testing.http import serve
from tests.fixtures import SampleData


@dataclass
class ServedApi:
    """The base URL of a running app and an admin's key for it."""

    base_url: str
    admin_key: str

    @property
    def graphql_url(self) -> str:
        return f"{self.base_url}/graphql"

    @property
    def websocket_url(self) -> str:
        return self.graphql_url.replace("http://", "ws://")

    def headers(self, key: str | None = None, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {key or self.admin_key}", **extra}

    def post(self, body: Any = None, *, key: str | None = None, **headers: str) -> httpx.Response:
        """POST a JSON body (or raw bytes / str as given) to /graphql as the admin."""
        options: dict[str, Any] = {"json": body} if not isinstance(body, bytes | str) else {"content": body}
        if "content" in options:
            headers.setdefault("Content-Type", "application/json")
        return httpx.post(self.graphql_url, headers=self.headers(key, **headers), timeout=30, **options)


ServeApi = Callable[..., Any]


@pytest.fixture
def serve_api(api_settings: Settings, sample: SampleData) -> ServeApi:
    """``with serve_api(**settings) as api:`` runs the real app with those settings over the test database."""

    @contextmanager
    def serving(**overrides: Any) -> Iterator[ServedApi]:
        admin = sample.user(role=m.Role.ADMIN, email="served-admin@tests.acctgraph.dev")
        key = sample.api_key(admin)
        sample.session.commit()
        with serve(create_app(api_settings.model_copy(update=overrides)), lifespan=True) as base_url:
            yield ServedApi(base_url, key)

    return serving


@pytest.fixture
def api(serve_api: ServeApi) -> Iterator[ServedApi]:
    """The app with default settings."""
    with serve_api() as served:
        yield served
