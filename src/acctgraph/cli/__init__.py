"""The ``acctgraph`` admin command: thin typer commands that parse, call the services, and print."""

from __future__ import annotations

import sys

import typer

from acctgraph.cli.errors import EXIT_ERROR, UserFacingError, report
from acctgraph.cli.lazy import LazyGroup


class Commands(LazyGroup):
    """Every ``acctgraph`` command, by the module that holds it (imported only when it runs)."""

    lazy_commands = {
        "db": "acctgraph.cli.db:app",
        "schema": "acctgraph.cli.schema:app",
        "keys": "acctgraph.cli.keys:app",
        "health": "acctgraph.cli.health:app",
        "alerts": "acctgraph.cli.alerts:app",
        "playbooks": "acctgraph.cli.playbooks:app",
        "accounts": "acctgraph.cli.accounts:app",
        "renewals": "acctgraph.cli.revenue:renewals_app",
        "forecast": "acctgraph.cli.revenue:forecast_app",
        "plugins": "acctgraph.cli.plugins:app",
        "connections": "acctgraph.cli.connections:app",
        "sync": "acctgraph.cli.sync:app",
        "identities": "acctgraph.cli.identities:app",
        "users": "acctgraph.cli.users:app",
        "webhooks": "acctgraph.cli.webhooks:app",
        "notifications": "acctgraph.cli.notifications:app",
        "jobs": "acctgraph.cli.jobs:app",
        "worker": "acctgraph.cli.jobs:worker",
        "writeback": "acctgraph.cli.writeback:app",
        "quotas": "acctgraph.cli.quotas:app",
        "serve": "acctgraph.cli.serve:serve",
        "demo": "acctgraph.cli.demo:demo",
        "init": "acctgraph.cli.init:init",
        "doctor": "acctgraph.cli.doctor:doctor",
    }


app = typer.Typer(
    name="acctgraph",
    help="acctgraph: the account-management backend. Serve the API, migrate, sync, load demo data.",
    cls=Commands,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def root() -> None:
    """The root group: its subcommands are ``Commands.lazy_commands``."""


def main() -> None:
    """Entry point: known errors become one line saying what to fix, with exit code 1, never a traceback."""
    try:
        app()
    except UserFacingError as error:
        report(error)
        sys.exit(EXIT_ERROR)
