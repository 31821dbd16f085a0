"""GraphiQL from the package's own assets, and the links that lead to it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from acctgraph.graphiql import STATIC_DIRECTORY
from tests.served_api import ServedApi

ROOT = Path(__file__).parents[2]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # serving files: any database will do
def test_graphiql_loads_every_asset_from_the_api_itself(api: ServedApi) -> None:
    page = httpx.get(api.graphql_url, headers={"Accept": "text/html"})
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', page.text)
    served = {asset: httpx.get(f"{api.base_url}/{asset}") for asset in assets}

    assert page.status_code == 200
    assert "unpkg" not in page.text and "https://" not in page.text
    assert sorted(assets) == sorted(
        f"graphql/static/{name}"
        for name in (
            "react.production.min.js",
            "react-dom.production.min.js",
            "graphiql.min.js",
            "graphiql.min.css",
            "plugin-explorer.umd.js",
            "plugin-explorer.css",
        )
    )
    for asset, response in served.items():
        assert response.status_code == 200, asset
        assert response.content == (STATIC_DIRECTORY / Path(asset).name).read_bytes()


def test_every_vendored_asset_has_its_licence_beside_it() -> None:
    licences = {path.name for path in STATIC_DIRECTORY.glob("LICENSE.*")}

    assert licences == {"LICENSE.react", "LICENSE.react-dom", "LICENSE.graphiql", "LICENSE.plugin-explorer"}
    assert all("MIT License" in (STATIC_DIRECTORY / name).read_text() for name in licences)


def test_the_demo_link_uses_the_configured_port_and_no_key() -> None:
    env = {**os.environ, "ACCTGRAPH_PORT": "8601"}
    code = "from acctgraph.cli.keys import print_demo_key; print_demo_key('ag_demo-token')"
    output = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout

    assert "GraphiQL: open http://127.0.0.1:8601/graphql and paste" in output
    assert not re.search(r"http://\S*ag_demo-token", output)


@pytest.mark.parametrize("args", [["--port", "8601"], ["--port=8601"], ["--host", "0.0.0.0", "--port", "8601"]])
def test_scripts_start_gives_the_demo_the_port_serve_will_listen_on(args: list[str]) -> None:
    script = (ROOT / "scripts" / "start").read_text()
    address = script[script.index("# serve-address") : script.index("# end serve-address")]
    shell = f'{address}\necho "$ACCTGRAPH_PORT"'
    env = {key: value for key, value in os.environ.items() if key != "ACCTGRAPH_PORT"}
    output = subprocess.run(["bash", "-c", shell, "start", *args], env=env, capture_output=True, text=True, check=True)

    assert output.stdout.strip() == "8601"
