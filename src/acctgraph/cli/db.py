"""``acctgraph db``: Alembic migrations against the configured database."""

from __future__ import annotations

from datetime import UTC, datetime

import typer
from alembic import command
from alembic.util import CommandError as AlembicError
from sqlalchemy import inspect

from acctgraph import migrations
from acctgraph.cli.context import connected_engine, settings
from acctgraph.cli.errors import CommandError
from acctgraph.db import sync_sessionmaker
from acctgraph.domain.read_model import summarise_new_accounts
from acctgraph.models import AccountSummary

app = typer.Typer(help="Database migrations (Alembic).", no_args_is_help=True)


def _run(action: str, *args: str, **kwargs: object) -> None:
    url = settings().database_url
    connected_engine(url, migrated=False).dispose()
    try:
        getattr(command, action)(migrations.alembic_config(url), *args, **kwargs)
    except AlembicError as error:
        raise CommandError(f"{error}. See `acctgraph db history` for the known revisions.") from None


@app.command()
def upgrade(revision: str = typer.Argument("head", help="Target revision; default: the newest.")) -> None:
    """Migrate the database up to REVISION (default: head), then summarise the accounts that have no
    list figures yet (the upgrade that adds the read model leaves it empty)."""
    _run("upgrade", revision)
    typer.echo(f"database at {revision}")
    _summarise_new_accounts()


def _summarise_new_accounts() -> None:
    engine = connected_engine(migrated=False)
    try:
        if not inspect(engine).has_table(AccountSummary.__tablename__):
            return
        with sync_sessionmaker(engine)() as session:
            written = summarise_new_accounts(session, datetime.now(UTC).date(), settings().reporting_currency)
            session.commit()
    finally:
        engine.dispose()
    if written:
        typer.echo(f"{written} account summaries written")


@app.command()
def downgrade(revision: str = typer.Argument(..., help="Target revision, e.g. base or -1.")) -> None:
    """Migrate the database down to REVISION."""
    _run("downgrade", revision)
    typer.echo(f"database at {revision}")


@app.command()
def current() -> None:
    """Show the revision the database is at."""
    _run("current", verbose=False)


@app.command()
def history() -> None:
    """List the migrations, newest first."""
    _run("history", indicate_current=True)
