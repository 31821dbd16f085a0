"""Plugin loading: a plugins directory, a failing plugin reported while the rest load, the name filter,
hook-call tracing, and `acctgraph plugins list`."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from acctgraph.cli import app
from acctgraph.integration.plugins import (
    BUILTIN_PLUGINS,
    connector_classes,
    create_plugin_manager,
    parse_plugin_names,
    plugin_infos,
)
from acctgraph.settings import get_settings

GOOD_PLUGIN = """
from acctgraph import hookimpl
from acctgraph_csv import CsvConnector

__version__ = "1.2.3"


class LocalCsv(CsvConnector):
    name = "local-csv"


@hookimpl
def register_connectors():
    return [LocalCsv]


@hookimpl
def records_synced(connection):
    pass
"""


@pytest.fixture
def plugins_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "plugins"
    directory.mkdir()
    (directory / "good.py").write_text(GOOD_PLUGIN)
    (directory / "broken.py").write_text("import acctgraph_no_such_module\n")
    return directory


def test_a_failing_plugin_is_reported_and_the_others_load(plugins_dir: Path) -> None:
    manager = create_plugin_manager(load_entry_points=False, plugins_dir=plugins_dir)
    infos = {info.name: info for info in plugin_infos(manager)}
    assert infos["broken"].error == "ModuleNotFoundError: No module named 'acctgraph_no_such_module'"
    assert infos["good"].error is None
    assert infos["good"].version == "1.2.3"
    assert infos["good"].hooks == ["records_synced", "register_connectors"]
    assert infos["good"].connectors == ["local-csv"]
    assert infos["good"].source == f"directory: {plugins_dir / 'good.py'}"
    assert list(connector_classes(manager)) == ["local-csv"]


def test_load_plugins_names_limit_what_is_loaded(plugins_dir: Path) -> None:
    manager = create_plugin_manager(load_entry_points=True, plugins_dir=plugins_dir, only=parse_plugin_names("good"))
    assert [info.name for info in plugin_infos(manager)] == [*BUILTIN_PLUGINS, "good"]
    assert parse_plugin_names("") == frozenset()
    assert parse_plugin_names(None) is None
    none_loaded = create_plugin_manager(load_entry_points=True, plugins_dir=plugins_dir, only=parse_plugin_names(""))
    assert [info.source for info in plugin_infos(none_loaded)] == ["built-in"] * len(BUILTIN_PLUGINS)


def test_built_in_behaviour_registers_through_the_same_hooks(caplog: pytest.LogCaptureFixture) -> None:
    manager = create_plugin_manager(load_entry_points=False)
    builtins = {info.name: (info.source, info.hooks) for info in plugin_infos(manager)}
    assert builtins == {
        "acctgraph.integration.sync_log": ("built-in", ["records_synced"]),
        "acctgraph.domain.health.builtin_measures": ("built-in", ["health_measures"]),
        "acctgraph.observability.sync_metrics": ("built-in", ["records_synced"]),
    }
    with caplog.at_level("INFO", logger="acctgraph.sync"):
        manager.hook.records_synced(connection="sheet", stream="accounts", entity="account", records=[1, 2])
    assert caplog.messages == ["sheet/accounts: 2 account records committed"]


def test_trace_prints_every_hook_call(plugins_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manager = create_plugin_manager(load_entry_points=False, plugins_dir=plugins_dir, only=["good"], trace=True)
    manager.hook.records_synced(connection="sheet", stream="accounts", entity="account", records=[])
    err = capsys.readouterr().err
    assert (
        "acctgraph hook records_synced(connection, stream, entity, records) -> "
        "[acctgraph.integration.sync_log, acctgraph.observability.sync_metrics, good]" in err
    )


def test_plugins_list_command_shows_name_version_source_hooks_connectors_and_errors(
    plugins_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACCTGRAPH_LOAD_PLUGINS", "good,broken")
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["plugins", "list", "--plugins-dir", str(plugins_dir)])
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    good_line = next(line for line in result.output.splitlines() if "good" in line)
    assert "1.2.3" in good_line and "register_connectors" in good_line and "local-csv" in good_line
    assert "No module named 'acctgraph_no_such_module'" in result.output
