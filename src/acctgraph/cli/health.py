"""``acctgraph health``: compute the day's health (and alerts) and backtest the scorecard on history."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pluggy
import typer
from rich.console import Console
from rich.table import Table

from acctgraph.cli import playbooks
from acctgraph.cli.context import connected_engine, settings
from acctgraph.cli.errors import CommandError
from acctgraph.db import sync_sessionmaker
from acctgraph.domain.alerts.evaluate import evaluate_alerts
from acctgraph.domain.health.backtest import BacktestReport, backtest
from acctgraph.domain.health.compute import compute_health
from acctgraph.domain.health.measures import HealthMeasure
from acctgraph.domain.health.scorecard import HealthConfig, ScorecardError
from acctgraph.domain.health.service import configured_health
from acctgraph.integration.plugins import started_plugin_manager

app = typer.Typer(help="Account health: daily scores, history and the churn backtest.", no_args_is_help=True)
console = Console()


def parse_day(value: str | None) -> date:
    """``--day`` as an ISO date, today (UTC) when omitted."""
    if value is None:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--day {value!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-11-24") from None


def health_setup() -> tuple[pluggy.PluginManager, HealthConfig, dict[str, HealthMeasure]]:
    """The plugin manager, configuration and catalogue, with a bad scorecard file as a clear error."""
    plugin_manager = started_plugin_manager(settings())
    try:
        config, catalogue = configured_health(settings(), plugin_manager)
    except ScorecardError as error:
        raise CommandError(f"{error}. Fix the file named by ACCTGRAPH_SCORECARD_FILE.") from None
    return plugin_manager, config, catalogue


@app.command()
def compute(
    day: str = typer.Option(None, help="The day to score, YYYY-MM-DD; default: today (UTC)."),
    alerts: bool = typer.Option(True, help="Evaluate the alert rules afterwards."),
    history_days: int = typer.Option(
        0, min=0, help="First score the N days before DAY too (a history for trends, e.g. after a demo load)."
    ),
) -> None:
    """Score every account for DAY (replacing that day's scores), then raise alerts."""
    as_of = parse_day(day)
    plugin_manager, config, catalogue = health_setup()
    with sync_sessionmaker(connected_engine())() as session:
        for days_back in range(history_days, -1, -1):
            run = compute_health(session, config, catalogue, as_of - timedelta(days=days_back))
            bands = ", ".join(f"{band.value} {run.bands[band]}" for band in sorted(run.bands))
            typer.echo(f"health for {run.day}: {run.accounts} accounts scored ({bands or 'none'})")
        if alerts:
            raised = evaluate_alerts(session, config.alerts, as_of, plugin_manager)
            typer.echo(f"{len(raised)} new alerts")
            playbooks.refresh(session, as_of)


@app.command("backtest")
def backtest_command(
    days_before: int = typer.Option(60, min=1, help="Score each outcome this many days before it."),
    from_snapshots: bool = typer.Option(
        False, help="Read the stored daily snapshots (`health compute --history-days`) instead of replaying."
    ),
) -> None:
    """Replay the scorecard before past renewals and churns: ROC AUC, churn per band, best measures."""
    _, config, catalogue = health_setup()
    with sync_sessionmaker(connected_engine())() as session:
        report = backtest(session, config, catalogue, days_before, from_snapshots=from_snapshots)
        session.commit()  # the contract status changes it recorded
    if report.outcomes == 0:
        hint = " (compute those days first: `acctgraph health compute --history-days N`)" if from_snapshots else ""
        raise CommandError(
            f"no renewal outcomes with health data to replay: contracts must have ended before today{hint}"
        )
    print_backtest(report)


def print_backtest(report: BacktestReport) -> None:
    auc = "n/a (needs both churned and renewed outcomes)" if report.auc is None else f"{report.auc:.3f}"
    console.print(
        f"{report.outcomes} outcomes scored {report.days_before} days ahead ({report.churned} churned, "
        f"{report.without_data} without data): ROC AUC {auc}"
    )
    bands = Table("band", "outcomes", "churned", "churn rate", title="Churn by band")
    for row in report.bands:
        bands.add_row(row.band.value, str(row.outcomes), str(row.churned), f"{row.churn_rate:.0%}")
    console.print(bands)
    measures = Table("measure", "outcomes", "AUC", title="Measures by separation (AUC)")
    for measure in report.measures:
        measures.add_row(measure.key, str(measure.outcomes), "n/a" if measure.auc is None else f"{measure.auc:.3f}")
    console.print(measures)
