"""In a real browser (Debian's chromium driven by playwright, never a downloaded one): GraphiQL loads and
runs a query with every request outside 127.0.0.1 refused, and a page on another origin calls the API
when CORS allows its origin, and cannot when it does not."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from urllib.parse import quote, urlparse

import pytest
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from acctgraph.testing.http import serve
from tests.served_api import ServeApi

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e .[dev])")
CHROMIUM = shutil.which("chromium")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.parametrize("backend", ["sqlite"], indirect=True),  # the browser's side: any database will do
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def offline_page(browser: object) -> Iterator[tuple[object, list[str]]]:
    """A page that may reach 127.0.0.1 only; yields it with the URLs it was refused."""
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    refused: list[str] = []

    def only_local(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if urlparse(url).hostname == "127.0.0.1" or url.startswith("data:"):
            route.continue_()  # type: ignore[attr-defined]
        else:
            refused.append(url)
            route.abort()  # type: ignore[attr-defined]

    page.route("**/*", only_local)
    yield page, refused
    context.close()


def test_graphiql_runs_a_query_with_no_internet(serve_api: ServeApi, offline_page: tuple[object, list[str]]) -> None:
    page, refused = offline_page
    with serve_api() as api:
        # What GraphiQL keeps after the user pasted the key in its Headers tab once (shouldPersistHeaders).
        headers = json.dumps({"Authorization": f"Bearer {api.admin_key}"})
        page.add_init_script(f"localStorage.setItem('graphiql:headers', {json.dumps(headers)})")  # type: ignore[attr-defined]
        page.goto(f"{api.graphql_url}?q={quote('{ me { role } }')}")  # type: ignore[attr-defined]
        page.click(".graphiql-execute-button", timeout=30_000)  # type: ignore[attr-defined]
        result = page.locator(".result-window")  # type: ignore[attr-defined]
        result.get_by_text('"ADMIN"').wait_for(timeout=30_000)
        text = result.inner_text()

    assert '"role": "ADMIN"' in text
    assert api.admin_key not in page.url  # type: ignore[attr-defined]
    assert refused == []  # nothing outside 127.0.0.1 was even asked for


CALL_API = """async ([url, key]) => {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: {"Authorization": `Bearer ${key}`, "Content-Type": "application/json"},
      body: JSON.stringify({query: "{ me { role } }"}),
    });
    return {status: response.status, body: await response.json()};
  } catch (error) {
    return {error: String(error)};
  }
}"""


@pytest.mark.parametrize("allowed", [True, False], ids=["origin allowed", "origin not allowed"])
def test_a_page_on_another_origin_calls_the_api_only_when_cors_allows_it(
    serve_api: ServeApi, offline_page: tuple[object, list[str]], allowed: bool
) -> None:
    page, _refused = offline_page
    frontend = Starlette(routes=[Route("/", lambda _request: HTMLResponse("<html><body>frontend</body></html>"))])
    with serve(frontend) as frontend_url, serve_api(cors_origins=frontend_url if allowed else "") as api:
        page.goto(frontend_url)  # type: ignore[attr-defined]
        outcome = page.evaluate(CALL_API, [api.graphql_url, api.admin_key])  # type: ignore[attr-defined]

    if allowed:
        assert outcome == {"status": 200, "body": {"data": {"me": {"role": "ADMIN"}}}}
    else:
        assert outcome == {"error": "TypeError: Failed to fetch"}
