"""``acctgraph accounts``: apply the transfers that fall due (the daily job runs the same function)."""

from __future__ import annotations

import typer

from acctgraph.cli.context import connected_engine
from acctgraph.cli.health import parse_day
from acctgraph.db import sync_sessionmaker
from acctgraph.domain.accounts import apply_due_transfers

app = typer.Typer(help="The book of accounts: dated transfers between owners.", no_args_is_help=True)


@app.command("apply-transfers")
def apply_transfers(
    day: str = typer.Option(None, help="Apply transfers effective on or before this day, YYYY-MM-DD; default: today."),
) -> None:
    """Move the accounts whose pending transfer is effective on DAY or earlier (idempotent)."""
    as_of = parse_day(day)
    with sync_sessionmaker(connected_engine())() as session:
        applied = apply_due_transfers(session, as_of)
        session.commit()
        for change in applied:
            typer.echo(f"account {change.account_id}: owner {change.from_owner_id} -> {change.to_owner_id}")
    typer.echo(f"{len(applied)} transfers applied for {as_of}")
