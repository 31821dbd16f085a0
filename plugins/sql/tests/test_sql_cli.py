"""The SQL connector from the admin CLI, as the README shows it: the URL from an environment variable,
the queries in a YAML file, then check and sync into the test database."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sql_sources import sql_config
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from acctgraph import models as m
from acctgraph.cli import app
from acctgraph.integration.secrets import new_key
from acctgraph.settings import get_settings


def test_add_check_and_sync_a_warehouse_from_the_cli(
    db_url: str, sqlite_source: str, session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    queries = tmp_path / "queries.yaml"
    queries.write_text(yaml.safe_dump({"streams": sql_config(sqlite_source)["streams"]}))
    for name, value in {
        "ACCTGRAPH_DATABASE_URL": db_url,
        "ACCTGRAPH_LOAD_PLUGINS": "sql",
        "ACCTGRAPH_SECRET_KEY": new_key(),
        "WAREHOUSE_URL": sqlite_source,
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        settings = ["--set", "url=env:WAREHOUSE_URL", "--set", f"streams_file={queries}", "--set", "batch_size=4"]
        added = runner.invoke(app, ["connections", "add", "warehouse", "sql", *settings])
        assert added.exit_code == 0, added.output
        checked = runner.invoke(app, ["connections", "check", "warehouse"])
        assert checked.exit_code == 0 and "2 queries run: accounts, usage" in checked.output, checked.output
        synced = runner.invoke(app, ["sync", "run", "warehouse"])
        assert synced.exit_code == 0, synced.output
        both = runner.invoke(app, ["connections", "add", "twice", "sql", *settings, "--set", "streams=[1]"])
        assert both.exit_code == 1 and "streams: Value error, give streams or streams_file, not both" in str(
            both.exception
        )
    finally:
        get_settings.cache_clear()
    assert session.scalar(select(func.count()).select_from(m.UsageMetric)) == 16
    assert session.scalar(select(func.count()).select_from(m.Account)) == 8
