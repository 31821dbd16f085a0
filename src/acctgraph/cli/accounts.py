"""``acctgraph accounts``: apply the transfers that fall due, and refresh the accounts' list figures (the
daily jobs run the same functions)."""

from __future__ import annotations

import typer

from acctgraph.cli.context import connected_engine, settings
from acctgraph.cli.health import parse_day
from acctgraph.db import sync_sessionmaker
from acctgraph.domain.accounts import apply_due_transfers
from acctgraph.domain.read_model import refresh_account_summaries, summarise_as_of

app = typer.Typer(help="The book of accounts: dated transfers between owners, the list figures.", no_args_is_help=True)


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


@app.command("refresh-summaries")
def refresh_summaries(
    day: str = typer.Option(None, help="Compute what is in force on this day, YYYY-MM-DD; default: today."),
) -> None:
    """Recompute every account's list figures (ARR, health, next renewal, open alerts) as of DAY: run it
    daily, since what is in force changes with the day (idempotent; writes only the rows that changed)."""
    as_of = parse_day(day)
    currency = settings().reporting_currency
    with sync_sessionmaker(connected_engine())() as session:
        summarise_as_of(session, as_of, currency)
        written = refresh_account_summaries(session, as_of, currency)
        session.commit()
    typer.echo(f"{written} account summaries written for {as_of} ({currency})")
