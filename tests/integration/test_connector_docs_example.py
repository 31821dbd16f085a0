"""The complete example of docs/connectors.md, extracted from the page and run through the contract
suite against a local Widgets server: the guide's connector really passes."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp

from acctgraph.testing import ConnectorContract
from acctgraph.testing.http import VendorControls, serving, vendor_app

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "connectors.md"
TOKEN = "test-token"
COMPANIES = [
    {
        "id": n,
        "name": f"Widget Co {n}",
        "website": f"https://widget{n}.example",
        "employees": 10 * n,
        "archived": n == 4,
        "updated_at": f"2024-03-0{1 + n % 3}T10:00:00+00:00",
    }
    for n in range(7)
]
PAGE_SIZE = 2


def load_guide_connector() -> ModuleType:
    """The first python block after "### 2. The connector", imported as a module."""
    section = GUIDE.read_text().split("### 2. The connector", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, flags=re.DOTALL).group(1)  # type: ignore[union-attr]
    spec = importlib.util.spec_from_loader("acctgraph_widgets_from_guide", loader=None)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = module  # type: ignore[union-attr]
    exec(compile(code, str(GUIDE), "exec"), module.__dict__)
    return module


class WidgetsApi:
    """/v1/me and /v1/companies (``updated_since`` filter, ``after`` paging), bearer token required,
    served by the kit's vendor helpers (credential check, 429 on demand, request log)."""

    def __init__(self) -> None:
        self.controls = VendorControls()
        self.base_url = ""

    def app(self) -> ASGIApp:
        routes = [Route("/v1/me", self._me), Route("/v1/companies", self._companies)]
        authorized = lambda request: request.headers.get("Authorization") == f"Bearer {TOKEN}"  # noqa: E731
        return vendor_app(routes, self.controls, authorized)

    async def _me(self, request: Request) -> JSONResponse:
        return JSONResponse({"user": "test"})

    async def _companies(self, request: Request) -> JSONResponse:
        since = request.query_params.get("updated_since", "")
        matching = [c for c in COMPANIES if c["updated_at"] >= since]
        start = int(request.query_params.get("after", 0))
        more = start + PAGE_SIZE < len(matching)
        return JSONResponse(
            {"results": matching[start : start + PAGE_SIZE], "next": str(start + PAGE_SIZE) if more else None}
        )


@pytest.fixture
def widgets() -> Iterator[WidgetsApi]:
    with serving(WidgetsApi()) as api:
        yield api


@pytest.fixture
def widgets_url(widgets: WidgetsApi) -> str:
    return widgets.base_url


GUIDE_MODULE = load_guide_connector()


class TestGuideConnector(ConnectorContract):
    connector_class = GUIDE_MODULE.WidgetsConnector

    @pytest.fixture
    def connector_config(self, widgets_url: str) -> dict[str, Any]:
        return {"base_url": widgets_url, "api_token": TOKEN}

    @pytest.fixture
    def paged_connector_config(self, connector_config: dict[str, Any]) -> dict[str, Any]:
        return connector_config  # 7 companies (one archived) in pages of 2

    @pytest.fixture
    def bad_credentials_config(self, widgets_url: str) -> dict[str, Any]:
        return {"base_url": widgets_url, "api_token": "wrong"}

    @pytest.fixture
    def vendor_controls(self, widgets: WidgetsApi) -> VendorControls:
        return widgets.controls

    @pytest.fixture
    def invalid_connector_config(self, widgets_url: str) -> dict[str, Any]:
        return {"base_url": widgets_url}


def test_a_wrong_token_fails_check_with_a_message(widgets_url: str) -> None:
    connector = GUIDE_MODULE.WidgetsConnector()
    result = connector.check(connector.parse_config({"base_url": widgets_url, "api_token": "wrong"}))
    assert not result.ok and "credentials were refused" in result.message


def test_the_guide_plugin_registers_its_connector() -> None:
    assert GUIDE_MODULE.register_connectors() == [GUIDE_MODULE.WidgetsConnector]
