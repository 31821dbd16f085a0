"""The ``acctgraph`` admin command: thin typer commands that parse, call the services, and print."""

from __future__ import annotations

import sys

import typer

from acctgraph.cli import (
    accounts,
    alerts,
    connections,
    db,
    demo,
    doctor,
    health,
    identities,
    init,
    jobs,
    keys,
    notifications,
    playbooks,
    plugins,
    quotas,
    revenue,
    schema,
    serve,
    sync,
    users,
    webhooks,
    writeback,
)
from acctgraph.cli.errors import EXIT_ERROR, UserFacingError, report

app = typer.Typer(
    name="acctgraph",
    help="acctgraph: the account-management backend. Serve the API, migrate, sync, load demo data.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(schema.app, name="schema")
app.add_typer(keys.app, name="keys")
app.add_typer(health.app, name="health")
app.add_typer(alerts.app, name="alerts")
app.add_typer(playbooks.app, name="playbooks")
app.add_typer(accounts.app, name="accounts")
app.add_typer(revenue.renewals_app, name="renewals")
app.add_typer(revenue.forecast_app, name="forecast")
app.add_typer(plugins.app, name="plugins")
app.add_typer(connections.app, name="connections")
app.add_typer(sync.app, name="sync")
app.add_typer(identities.app, name="identities")
app.add_typer(users.app, name="users")
app.add_typer(webhooks.app, name="webhooks")
app.add_typer(notifications.app, name="notifications")
app.add_typer(jobs.app, name="jobs")
app.command("worker")(jobs.worker)
app.add_typer(writeback.app, name="writeback")
app.add_typer(quotas.app, name="quotas")
app.command("serve")(serve.serve)
app.command("demo")(demo.demo)
app.command("init")(init.init)
app.command("doctor")(doctor.doctor)


def main() -> None:
    """Entry point: known errors become one line saying what to fix, with exit code 1, never a traceback."""
    try:
        app()
    except UserFacingError as error:
        report(error)
        sys.exit(EXIT_ERROR)
