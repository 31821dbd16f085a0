"""``acctgraph alerts``: evaluate the risk alert rules, acknowledge and resolve alerts."""

from __future__ import annotations

from collections.abc import Callable

import typer
from sqlalchemy.orm import Session

from acctgraph.cli import playbooks
from acctgraph.cli.context import connected_engine
from acctgraph.cli.errors import CommandError
from acctgraph.cli.health import health_setup, parse_day
from acctgraph.db import sync_sessionmaker
from acctgraph.domain.alerts.evaluate import evaluate_alerts
from acctgraph.domain.alerts.lifecycle import AcknowledgeAlert, ResolveAlert, acknowledge_alert, resolve_alert
from acctgraph.domain.rules import BusinessRuleError
from acctgraph.models import Alert

app = typer.Typer(help="Risk alerts for account owners.", no_args_is_help=True)


@app.command()
def evaluate(day: str = typer.Option(None, help="The day to evaluate, YYYY-MM-DD; default: today (UTC).")) -> None:
    """Raise alerts whose condition holds on DAY and is not already open (run after `health compute`)."""
    as_of = parse_day(day)
    plugin_manager, config, _ = health_setup()
    with sync_sessionmaker(connected_engine())() as session:
        raised = evaluate_alerts(session, config.alerts, as_of, plugin_manager)
        playbooks.refresh(session, as_of)
    for notice in raised:
        typer.echo(f"#{notice.id} [{notice.rule}] {notice.account_name}: {notice.title}")
    typer.echo(f"{len(raised)} new alerts")


@app.command()
def acknowledge(alert_id: int) -> None:
    """Mark an open alert as seen."""
    _transition(lambda session: acknowledge_alert(session, None, AcknowledgeAlert(id=alert_id)))


@app.command()
def resolve(alert_id: int, note: str = typer.Option(None, help="Why it is resolved.")) -> None:
    """Resolve an alert."""
    _transition(lambda session: resolve_alert(session, None, ResolveAlert(id=alert_id, note=note)))


def _transition(change: Callable[[Session], Alert]) -> None:
    with sync_sessionmaker(connected_engine())() as session:
        try:
            alert = change(session)
        except BusinessRuleError as error:
            raise CommandError(
                f"{error.message}. See the alert ids with `acctgraph alerts evaluate` or the API."
            ) from None
        session.commit()
        typer.echo(f"alert {alert.id} is {alert.status.value}")
