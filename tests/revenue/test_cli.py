"""``acctgraph renewals create`` and ``acctgraph forecast snapshot|accuracy`` against the test database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from acctgraph import models as m
from acctgraph.cli import app
from acctgraph.cli.errors import CommandError
from acctgraph.settings import get_settings
from tests.fixtures import SampleData


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("ACCTGRAPH_DATABASE_URL", db_url)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_renewals_create_twice_opens_each_renewal_once(cli: CliRunner, session: Session, sample: SampleData) -> None:
    account = sample.account(owner_id=sample.user().id)
    start = date(2026, 1, 1)
    sample.contract(account, 10_000, start_date=start, end_date=date(2026, 9, 1))  # ARR 120_000, in 92 days
    sample.contract(account, 10_000, start_date=start, end_date=date(2026, 6, 1) + timedelta(days=121))  # too far
    sample.session.commit()

    first = cli.invoke(app, ["renewals", "create", "--today", "2026-06-01"])
    second = cli.invoke(app, ["renewals", "create", "--today", "2026-06-01"])

    assert first.exit_code == 0 and "opened 1 renewal opportunities" in first.output
    assert second.exit_code == 0 and "opened 0 renewal opportunities" in second.output
    assert session.scalar(select(func.sum(m.Opportunity.amount_minor))) == 120_000


def test_forecast_snapshot_then_accuracy(cli: CliRunner, session: Session, sample: SampleData) -> None:
    account = sample.account(owner_id=sample.user().id)
    commit = m.ForecastCategory.COMMIT
    sample.opportunity(account, amount_minor=50_000, forecast_category=commit, expected_close_date=date(2026, 7, 9))
    sample.session.commit()

    snapshot = cli.invoke(app, ["forecast", "snapshot", "--period", "2026-Q3"])
    assert snapshot.exit_code == 0 and "snapshotted 1 owners" in snapshot.output
    report = cli.invoke(app, ["forecast", "accuracy", "--period", "2026-Q3"])
    assert report.exit_code == 0, report.output
    assert "500.00 USD" in report.output and "0.0%" in report.output  # forecast 500.00, nothing won yet


def test_bad_period_is_a_one_line_error(cli: CliRunner) -> None:
    result = cli.invoke(app, ["forecast", "accuracy", "--period", "summer"])
    assert isinstance(result.exception, CommandError)
    assert "2026-Q3" in str(result.exception)


def test_accuracy_without_snapshot_says_what_to_run(cli: CliRunner) -> None:
    result = cli.invoke(app, ["forecast", "accuracy", "--period", "2026-Q1"])
    assert isinstance(result.exception, CommandError)
    assert "acctgraph forecast snapshot" in str(result.exception)
