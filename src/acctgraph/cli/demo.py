"""``acctgraph demo``: load the demo book, with a progress bar."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from acctgraph.cli.context import connected_engine, settings
from acctgraph.cli.errors import CommandError
from acctgraph.cli.keys import demo_admin_key, print_demo_key
from acctgraph.db import sync_sessionmaker
from acctgraph.demo import (
    ADMIN_EMAIL,
    DEFAULT_ACCOUNTS,
    DEFAULT_SEED,
    MAX_ACCOUNTS,
    MIN_ACCOUNTS,
    DemoConflict,
    LoadResult,
    UnsupportedReportingCurrency,
    load_book,
    loaded_demo_accounts,
    plan_book,
)
from acctgraph.models import ExternalRef

console = Console()


def demo(
    accounts: int = typer.Option(DEFAULT_ACCOUNTS, min=MIN_ACCOUNTS, max=MAX_ACCOUNTS, help="Accounts in the book."),
    seed: int = typer.Option(DEFAULT_SEED, help="Random seed: the same seed on the same day gives the same book."),
) -> None:
    """Load a realistic demo book: a team, accounts, contracts, pipeline, activities and two years of signals."""
    engine = connected_engine(settings().database_url)
    try:
        if not inspect(engine).has_table(ExternalRef.__tablename__):
            raise CommandError("the database has no acctgraph tables yet; run `acctgraph db upgrade` first")
        with sync_sessionmaker(engine)() as session:
            result = _load(session, accounts, seed)
            token = demo_admin_key(session)
    finally:
        engine.dispose()
    if result.already_loaded:
        typer.echo(f"demo data is already loaded ({result.accounts} accounts); nothing to do")
    else:
        rows = sum(result.inserted.values())
        typer.echo(f"loaded the demo book: {result.accounts} accounts, {rows} rows; demo admin: {ADMIN_EMAIL}")
    print_demo_key(token)


def _load(session: Session, accounts: int, seed: int) -> LoadResult:
    existing = loaded_demo_accounts(session)
    if existing:
        return LoadResult(already_loaded=True, accounts=existing, inserted={})
    try:
        plan = plan_book(accounts, seed, reporting_currency=settings().reporting_currency)
        with _progress() as progress:
            task = progress.add_task("planning", total=sum(plan.counts().values()))
            return load_book(session, plan, lambda table, rows: progress.update(task, advance=rows, description=table))
    except (DemoConflict, UnsupportedReportingCurrency) as error:
        raise CommandError(str(error)) from None


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description:<20}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    )
