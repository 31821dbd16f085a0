"""``acctgraph renewals`` and ``acctgraph forecast``: the scheduled revenue jobs and the accuracy report."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from acctgraph.cli.context import connected_engine, settings
from acctgraph.cli.errors import CommandError
from acctgraph.db import sync_sessionmaker
from acctgraph.domain.money import format_money
from acctgraph.domain.revenue.accuracy import NoForecastSnapshot, forecast_accuracy, snapshot_forecast
from acctgraph.domain.revenue.money import MissingExchangeRate
from acctgraph.domain.revenue.period import Granularity, InvalidPeriod, Period
from acctgraph.domain.revenue.renewals import create_renewal_opportunities
from acctgraph.domain.revenue.scope import Scope

renewals_app = typer.Typer(help="Renewal opportunities.", no_args_is_help=True)
forecast_app = typer.Typer(help="Forecast snapshots and accuracy.", no_args_is_help=True)


def _today() -> date:
    return datetime.now(UTC).date()


@contextmanager
def _session() -> Iterator[Session]:
    """A session on the configured database; domain errors become one line saying what to fix."""
    engine = connected_engine()
    try:
        with sync_sessionmaker(engine)() as session:
            yield session
    except (InvalidPeriod, MissingExchangeRate, NoForecastSnapshot) as error:
        raise CommandError(str(error)) from None
    finally:
        engine.dispose()


def _period(text: str) -> Period:
    try:
        return Period.parse(text, settings().fiscal_year_start_month)
    except InvalidPeriod as error:
        raise CommandError(str(error)) from None


@renewals_app.command("create")
def create_renewals(
    lead_days: int = typer.Option(
        None, min=1, help="Days ahead of a contract's end; default ACCTGRAPH_RENEWAL_LEAD_DAYS."
    ),
    today: datetime = typer.Option(None, formats=["%Y-%m-%d"], help="Run as of this day (default: today, UTC)."),
) -> None:
    """Open a renewal opportunity for each active contract ending soon that has none (safe to re-run)."""
    lead_days = lead_days or settings().renewal_lead_days
    as_of = today.date() if today else _today()
    with _session() as session:
        created = create_renewal_opportunities(session, as_of, lead_days)
        session.commit()
    typer.echo(
        f"opened {len(created)} renewal opportunities for contracts ending by {as_of + timedelta(days=lead_days)}"
    )


@forecast_app.command("snapshot")
def snapshot(
    period: str = typer.Option(None, help="Period to snapshot, e.g. 2026-Q3 or 2026-07; default: this quarter."),
) -> None:
    """Record each owner's forecast for a period as it stands now; run it when the period starts."""
    wanted = _period(period) if period else Period.containing(_today(), Granularity.QUARTER)
    with _session() as session:
        created = snapshot_forecast(session, wanted, settings().reporting_currency, datetime.now(UTC))
        session.commit()
    typer.echo(f"forecast of {wanted.label}: snapshotted {created} owners (owners snapshotted before are kept)")


@forecast_app.command("accuracy")
def accuracy(period: str = typer.Option(..., help="A period snapshotted at its start, e.g. 2026-Q2.")) -> None:
    """Each owner's snapshotted forecast (won + commit) against what closed won in the period."""
    wanted = _period(period)
    currency = settings().reporting_currency
    with _session() as session:
        rows = forecast_accuracy(session, wanted, Scope.everything(), currency)
    table = Table("owner id", "forecast", "weighted", "won", "accuracy", title=f"Forecast accuracy, {wanted.label}")
    for row in rows:
        table.add_row(
            str(row.owner_id),
            format_money(row.forecast_minor, currency),
            format_money(row.weighted_minor, currency),
            format_money(row.actual_minor, currency),
            "n/a" if row.accuracy is None else f"{row.accuracy:.1%}",
        )
    Console().print(table)
