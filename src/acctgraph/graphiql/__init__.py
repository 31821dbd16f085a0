"""GraphiQL, served from this package's own copy of its assets (``static/``), so it works offline.

The page is strawberry's GraphiQL template with the CDN links replaced by ``static/...`` paths relative to
the endpoint, and without its CSRF cookie (acctgraph authenticates by bearer key, not cookies). GraphiQL
keeps what the user pastes in its Headers tab in the browser's local storage, so the key is pasted once
and never goes in a URL.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

STATIC_DIRECTORY = Path(__file__).parent / "static"
STATIC_PATH = "/graphql/static"


@cache
def graphiql_page() -> str:
    """The HTML of the IDE page served at ``GET /graphql``."""
    return (Path(__file__).parent / "page.html").read_text(encoding="utf-8")
