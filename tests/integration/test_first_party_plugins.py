"""`acctgraph plugins list` shows every first-party connector installed from plugins/ (scripts/test and
scripts/start install each of them), with its version and connector."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from acctgraph.cli import app
from acctgraph.settings import get_settings

FIRST_PARTY = ("csv", "hubspot", "salesforce", "stripe", "zendesk", "sql", "singer")


def test_plugins_list_shows_the_first_party_connectors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCTGRAPH_LOAD_PLUGINS", ",".join(FIRST_PARTY))
    monkeypatch.setenv("COLUMNS", "200")
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["plugins", "list"])
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    for name in FIRST_PARTY:
        line = next((line for line in result.output.splitlines() if f"pip: acctgraph-{name}" in line), None)
        assert line is not None, f"acctgraph-{name} is not listed:\n{result.output}"
        assert "0.1.0" in line and "register_connectors" in line and name in line.split("register_connectors")[-1]
