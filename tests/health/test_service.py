"""The entry points the CLI and the sync engine use: refresh_health and the `acctgraph health` commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from acctgraph import models as m
from acctgraph.domain.health.builtin_measures import BUILTIN_MEASURES
from acctgraph.domain.health.scorecard import ScorecardError
from acctgraph.domain.health.service import measure_catalogue, refresh_health
from acctgraph.hookspecs import hookimpl
from acctgraph.integration.plugins import create_plugin_manager
from acctgraph.settings import Settings
from tests.fixtures import TODAY
from tests.health.conftest import AlertRecorder


def test_refresh_health_scores_the_book_with_the_configured_file_then_raises_alerts(sample, db_url, tmp_path):
    account = sample.account()
    sample.invoice(account, due_date=TODAY - timedelta(days=45))
    sample.session.commit()
    path = tmp_path / "health.json"
    points = [{"raw": 0, "score": 100}, {"raw": 60, "score": 0}]
    path.write_text(
        json.dumps({"scorecards": {"default": {"measures": [{"key": "billing", "weight": 1, "points": points}]}}})
    )
    recorder = AlertRecorder()
    settings = Settings(database_url=db_url, scorecard_file=path, _env_file=None)
    refresh = refresh_health(sample.session, settings, recorder.plugin_manager, TODAY)
    # 45 days overdue: 100 - 45/60 * 100 = 25, red
    assert (refresh.run.accounts, dict(refresh.run.bands)) == (1, {m.HealthBand.RED: 1})
    assert (
        [notice.rule for notice in recorder.received]
        == ["invoice_overdue"]
        == [notice.rule for notice in refresh.alerts]
    )


def test_two_plugins_with_one_measure_key_is_an_error():
    class Duplicate:
        @hookimpl
        def health_measures(self) -> list[object]:
            return [BUILTIN_MEASURES[0]]

    plugin_manager = create_plugin_manager(load_entry_points=False)
    plugin_manager.register(Duplicate())
    with pytest.raises(ScorecardError, match="two plugins provide a health measure with the key 'usage_trend'"):
        measure_catalogue(plugin_manager)


def acctgraph(db_url: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "ACCTGRAPH_DATABASE_URL": db_url, **env}
    code = "from acctgraph.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=environment, check=False
    )


def test_cli_compute_writes_snapshots_and_explains_bad_input(sample, db_url, tmp_path):
    account = sample.account()
    sample.nps(account, 9)
    sample.session.commit()
    done = acctgraph(db_url, "health", "compute", "--day", TODAY.isoformat(), "--history-days", "2")
    assert done.returncode == 0, done.stderr
    assert f"health for {TODAY}: 1 accounts scored" in done.stdout
    # today and the two days before it
    assert sample.session.scalar(select(func.count()).select_from(m.HealthSnapshot)) == 3

    bad_day = acctgraph(db_url, "health", "compute", "--day", "24/11/2026")
    assert bad_day.returncode == 1 and "write it as YYYY-MM-DD" in bad_day.stderr and "Traceback" not in bad_day.stderr
    (tmp_path / "bad.json").write_text("{}")
    bad_file = acctgraph(db_url, "health", "compute", ACCTGRAPH_SCORECARD_FILE=str(tmp_path / "bad.json"))
    assert bad_file.returncode == 1 and "scorecards: Field required" in bad_file.stderr
