"""``acctgraph connections``: add, list, check and remove configured connector instances."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from acctgraph.cli.context import connected_engine, settings
from acctgraph.cli.errors import CommandError
from acctgraph.cli.output import add_plain_row
from acctgraph.cli.plugins import loaded_connectors
from acctgraph.db import sync_sessionmaker
from acctgraph.integration import connections as service
from acctgraph.integration.secrets import new_key
from acctgraph.jobs.connection_schedules import set_connection_schedule
from acctgraph.jobs.schedules import ScheduleError
from acctgraph.models import Connection, JobSchedule

SCHEDULE_HELP = "Sync it on this schedule (UTC): an interval (15m, 1h, daily) or cron ('0 * * * *')."
app = typer.Typer(help="Connections: named, configured instances of a connector.", no_args_is_help=True)


def _parse_settings(pairs: list[str]) -> dict[str, str]:
    values = {}
    for position, pair in enumerate(pairs, start=1):
        key, sep, value = pair.partition("=")
        if not sep or not key:  # the value is not repeated: it may be a secret typed without its key
            raise CommandError(
                f"--set number {position} is not KEY=VALUE; e.g. --set directory=/data or --set token=env:TOKEN"
            )
        values[key.strip()] = value
    return values


@app.command()
def add(
    name: str = typer.Argument(..., help="A name for the connection, e.g. hubspot-eu."),
    connector: str = typer.Argument(..., help="The connector, as `acctgraph plugins list` shows it."),
    set_: list[str] = typer.Option([], "--set", help="KEY=VALUE; a secret as env:VAR reads it from that variable."),
    replace: bool = typer.Option(False, help="Replace the configuration of an existing connection."),
    schedule: str = typer.Option(None, help=SCHEDULE_HELP),
) -> None:
    """Add a connection; secrets are stored encrypted (ACCTGRAPH_SECRET_KEY) or as env:VAR references."""
    _, connectors = loaded_connectors()
    with sync_sessionmaker(connected_engine())() as session:
        try:
            added = service.add_connection(
                session, connectors, name, connector, _parse_settings(set_), settings().secret_key, replace
            )
            if schedule is not None:
                set_connection_schedule(session, added, schedule)
        except (service.ConnectionSetupError, ScheduleError) as error:
            raise CommandError(str(error)) from None
        session.commit()
    typer.echo(f"connection {name!r} ({connector}) saved; test it with `acctgraph connections check {name}`")
    if schedule:
        typer.echo(f"it syncs on schedule {schedule!r} while `acctgraph worker` runs")


@app.command()
def update(
    name: str = typer.Argument(..., help="The connection to change."),
    schedule: str = typer.Option(..., help=SCHEDULE_HELP + ' "" or "off" stops scheduling it.'),
) -> None:
    """Change a connection's sync schedule."""
    with sync_sessionmaker(connected_engine())() as session:
        try:
            connection = service.get_connection(session, name)
            text = "" if schedule.strip().lower() in ("", "off", "none") else schedule
            saved = set_connection_schedule(session, connection, text)
        except (service.ConnectionSetupError, ScheduleError) as error:
            raise CommandError(str(error)) from None
        session.commit()
    if saved is None:
        typer.echo(f"connection {name!r} syncs only by hand now (`acctgraph sync run {name}`)")
    else:
        typer.echo(f"connection {name!r} syncs on schedule {saved.schedule!r} while `acctgraph worker` runs")


@app.command("list")
def list_connections() -> None:
    """List the connections with their configuration (secrets hidden)."""
    _, connectors = loaded_connectors()
    table = Table("name", "connector", "configuration", "full refresh every", "schedule")
    with sync_sessionmaker(connected_engine())() as session:
        rows = session.execute(
            select(Connection, JobSchedule.schedule)
            .outerjoin(JobSchedule, JobSchedule.connection_id == Connection.id)
            .order_by(Connection.name)
        )
        for connection, schedule in rows:
            shown = json.dumps(service.shown_config(connection, connectors), default=str)
            add_plain_row(
                table,
                connection.name,
                connection.connector,
                shown,
                f"{connection.full_refresh_days} days",
                schedule or "by hand",
            )
    Console(width=200).print(table)


@app.command()
def check(name: str = typer.Argument(..., help="The connection to test.")) -> None:
    """Test a connection against its source (credentials, reachability)."""
    _, connectors = loaded_connectors()
    with sync_sessionmaker(connected_engine())() as session:
        try:
            connection = service.get_connection(session, name)
        except service.ConnectionSetupError as error:
            raise CommandError(str(error)) from None
        result = service.check_connection(connection, connectors, settings().secret_key)
    if not result.ok:
        raise CommandError(f"connection {name!r}: {result.message}")
    typer.echo(f"connection {name!r}: ok, {result.message}")


@app.command()
def remove(name: str = typer.Argument(..., help="The connection to remove.")) -> None:
    """Remove a connection with its runs and state; synced records stay."""
    with sync_sessionmaker(connected_engine())() as session:
        try:
            session.delete(service.get_connection(session, name))
        except service.ConnectionSetupError as error:
            raise CommandError(str(error)) from None
        session.commit()
    typer.echo(f"connection {name!r} removed")


@app.command()
def keygen() -> None:
    """Print a new key for ACCTGRAPH_SECRET_KEY (keep it safe: without it stored secrets cannot be read)."""
    typer.echo(new_key())
