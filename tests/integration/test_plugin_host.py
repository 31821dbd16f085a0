"""One plugin host: the app, the CLI and the worker share one cached manager, so a plugin of the plugins
directory is called everywhere (``alerts_raised`` from `acctgraph alerts evaluate`, ``startup`` by the app)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import httpx

from acctgraph.app import create_app
from acctgraph.integration.plugins import plugin_infos, plugin_manager
from acctgraph.settings import Settings
from tests.fixtures import SampleData

NOTIFIER = """
import json
from pathlib import Path

from acctgraph import hookimpl

OUT = Path(__file__).with_name("calls.jsonl")


def _record(entry):
    with OUT.open("a") as out:
        out.write(json.dumps(entry) + "\\n")


@hookimpl
def alerts_raised(alerts):
    _record({"hook": "alerts_raised", "alerts": [[a.rule, a.account_name] for a in alerts]})


@hookimpl
def health_measures():
    _record({"hook": "health_measures"})
    return []


@hookimpl
def startup(settings):
    _record({"hook": "startup", "database": settings.database_url})
"""


def plugins_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "plugins"
    directory.mkdir()
    (directory / "notifier.py").write_text(NOTIFIER)
    return directory


def calls(directory: Path) -> list[dict[str, object]]:
    path = directory / "calls.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_the_manager_is_built_once_per_plugin_configuration(tmp_path: Path) -> None:
    directory = plugins_dir(tmp_path)
    settings = Settings(plugins_dir=directory, load_plugins="notifier", _env_file=None)

    first = plugin_manager(settings)
    again = plugin_manager(settings.model_copy(update={"database_url": "sqlite:///other.db"}))
    other = plugin_manager(settings.model_copy(update={"load_plugins": ""}))

    assert first is again
    assert other is not first
    assert "notifier" in [info.name for info in plugin_infos(first)]
    assert "notifier" not in [info.name for info in plugin_infos(other)]


def test_a_local_plugin_receives_alerts_raised_from_alerts_evaluate(
    tmp_path: Path, db_url: str, sample: SampleData
) -> None:
    directory = plugins_dir(tmp_path)
    account = sample.account(name="Overdue Co")
    sample.invoice(account, due_date=date.today() - timedelta(days=45))
    sample.session.commit()
    env = {**os.environ, "ACCTGRAPH_DATABASE_URL": db_url, "ACCTGRAPH_PLUGINS_DIR": str(directory)}
    env.pop("ACCTGRAPH_LOAD_PLUGINS", None)

    result = subprocess.run(
        [sys.executable, "-m", "acctgraph", "alerts", "evaluate"], capture_output=True, text=True, env=env, timeout=120
    )

    assert result.returncode == 0, result.stderr
    assert "1 new alerts" in result.stdout
    assert calls(directory) == [
        {"hook": "startup", "database": db_url},
        {"hook": "health_measures"},
        {"hook": "alerts_raised", "alerts": [["invoice_overdue", "Overdue Co"]]},
    ]


async def test_the_app_calls_startup_when_it_starts(tmp_path: Path) -> None:
    directory = plugins_dir(tmp_path)
    settings = Settings(database_url="sqlite://", plugins_dir=directory, load_plugins="notifier", _env_file=None)
    app = create_app(settings)
    assert calls(directory) == []

    async with app.router.lifespan_context(app):
        assert calls(directory) == [{"hook": "startup", "database": "sqlite://"}]


async def test_the_health_configuration_query_asks_the_plugins_directory(
    tmp_path: Path, api_settings: Settings, sample: SampleData
) -> None:
    directory = plugins_dir(tmp_path)
    token = sample.api_key(sample.user())
    sample.session.commit()
    app = create_app(api_settings.model_copy(update={"plugins_dir": directory, "load_plugins": "notifier"}))

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        response = await http.post(
            "/graphql", json={"query": "{ healthConfiguration }"}, headers={"Authorization": f"Bearer {token}"}
        )
    await app.state.engine.dispose()

    assert "errors" not in response.json()
    assert calls(directory) == [{"hook": "health_measures"}]
