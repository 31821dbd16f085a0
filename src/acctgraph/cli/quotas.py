"""``acctgraph quotas``: set an account manager's quota for a period, list quotas and attainment.

The same domain rules as ``setQuota``; each change is audited with no actor (an operator's command).
"""

from __future__ import annotations

from datetime import UTC, datetime

import typer
from rich.console import Console
from rich.table import Table

from acctgraph.cli.context import connected_engine, settings
from acctgraph.cli.errors import CommandError
from acctgraph.cli.users import command, find_user
from acctgraph.db import sync_sessionmaker
from acctgraph.domain import quotas as domain
from acctgraph.domain.money import format_money
from acctgraph.domain.revenue.money import MissingExchangeRate
from acctgraph.domain.revenue.period import InvalidPeriod, Period
from acctgraph.domain.rules import BusinessRuleError
from acctgraph.domain.users import run_audited
from acctgraph.models import QuotaKind

app = typer.Typer(help="Quotas of account managers: net new ARR and renewal ARR per period.", no_args_is_help=True)
KIND_HELP = "net_new_arr or renewal_arr"


def _kind(value: str) -> QuotaKind:
    try:
        return QuotaKind(value.strip().lower().replace("-", "_"))
    except ValueError:
        raise CommandError(f"--kind {value!r}: give {KIND_HELP}") from None


@app.command("set")
def set_quota(
    user: str = typer.Option(..., "--user", help="The account manager's email."),
    kind: str = typer.Option(..., "--kind", help=KIND_HELP),
    period: str = typer.Option(..., "--period", help="FY2027-Q1, FY2027, 2026-Q3, 2026-07, ..."),
    amount_minor: int = typer.Option(
        ..., "--amount-minor", help="ARR target in minor units of the reporting currency."
    ),
) -> None:
    """Set (or replace) a quota; audited as `quotas set`."""
    config = settings()
    with sync_sessionmaker(connected_engine())() as session:
        holder = find_user(session, user, "--user")
        wanted = command(domain.SetQuota, user_id=holder.id, kind=_kind(kind), period=period, amount_minor=amount_minor)
        try:
            quota = run_audited(
                session,
                "quotas set",
                lambda: domain.set_quota(
                    session, None, wanted, config.fiscal_year_start_month, config.reporting_currency
                ),
            )
        except BusinessRuleError as error:
            raise CommandError(error.message) from None
        session.commit()
        typer.echo(
            f"{holder.email}: {quota.kind.value} {quota.period} ({quota.starts_on}..{quota.ends_on}) = "
            f"{format_money(quota.amount_minor, quota.currency)}"
        )


@app.command("attainment")
def show_attainment(
    user: str = typer.Option(..., "--user", help="The account manager's email."),
    period: str = typer.Option(..., "--period", help="FY2027-Q1, FY2027, 2026-Q3, 2026-07, ..."),
) -> None:
    """ARR won in the period against the user's quotas lying within it."""
    config = settings()
    try:
        wanted = Period.parse(period, config.fiscal_year_start_month)
    except InvalidPeriod as error:
        raise CommandError(str(error)) from None
    with sync_sessionmaker(connected_engine())() as session:
        holder = find_user(session, user, "--user")
        try:
            rows = domain.attainment(session, [holder.id], wanted, datetime.now(UTC).date(), config.reporting_currency)[
                holder.id
            ]
        except (InvalidPeriod, MissingExchangeRate) as error:
            raise CommandError(str(error)) from None
    table = Table("kind", "target", "achieved", "percent", title=f"{holder.email} {wanted.label}")
    currency = config.reporting_currency
    for row in rows:
        target = "-" if row.target_minor is None else format_money(row.target_minor, currency)
        percent = "-" if row.percent is None else f"{row.percent}%"
        table.add_row(row.kind.value, target, format_money(row.achieved_minor, currency), percent)
    Console().print(table)
