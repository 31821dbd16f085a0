"""The complete example of docs/connectors.md, extracted from the page and run through the contract
suite against a local Widgets server: the guide's connector really passes."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from acctgraph.testing import ConnectorContract

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


class WidgetsApi(BaseHTTPRequestHandler):
    """/v1/me and /v1/companies (``updated_since`` filter, ``after`` paging), bearer token required."""

    def do_GET(self) -> None:
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self._send(401, {"error": "unauthorized"})
        url = urlparse(self.path)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        if url.path == "/v1/me":
            return self._send(200, {"user": "test"})
        since = query.get("updated_since", "")
        matching = [c for c in COMPANIES if c["updated_at"] >= since]
        start = int(query.get("after", 0))
        page = matching[start : start + PAGE_SIZE]
        more = start + PAGE_SIZE < len(matching)
        return self._send(200, {"results": page, "next": str(start + PAGE_SIZE) if more else None})

    def _send(self, status: int, body: dict[str, Any]) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def widgets_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), WidgetsApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


GUIDE_MODULE = load_guide_connector()


class TestGuideConnector(ConnectorContract):
    connector_class = GUIDE_MODULE.WidgetsConnector
    abort_after_checkpoint = 2

    @pytest.fixture
    def connector_config(self, widgets_url: str) -> dict[str, Any]:
        return {"base_url": widgets_url, "api_token": TOKEN}

    @pytest.fixture
    def invalid_connector_config(self, widgets_url: str) -> dict[str, Any]:
        return {"base_url": widgets_url}


def test_a_wrong_token_fails_check_with_a_message(widgets_url: str) -> None:
    connector = GUIDE_MODULE.WidgetsConnector()
    result = connector.check(connector.parse_config({"base_url": widgets_url, "api_token": "wrong"}))
    assert not result.ok and "credentials were refused" in result.message


def test_the_guide_plugin_registers_its_connector() -> None:
    assert GUIDE_MODULE.register_connectors() == [GUIDE_MODULE.WidgetsConnector]
