"""``acctgraph writeback``: deliver the outbox to the CRMs, list what is pending, failed or refused, retry."""

from __future__ import annotations

import typer

from acctgraph.cli.context import connected_engine, settings
from acctgraph.cli.errors import CommandError
from acctgraph.db import sync_sessionmaker
from acctgraph.integration.plugins import DuplicateConnectorError
from acctgraph.integration.writeback.delivery import deliver_pending_writebacks, list_writebacks, retry_writebacks
from acctgraph.models import WritebackStatus

app = typer.Typer(help="Write activities, QBRs and tasks back to the CRMs accounts came from.", no_args_is_help=True)

STATUSES = ", ".join(status.value for status in WritebackStatus)


def _statuses(values: list[str]) -> list[WritebackStatus]:
    try:
        return [WritebackStatus(value.lower()) for value in values]
    except ValueError:
        raise CommandError(f"unknown status in {values}; use one of {STATUSES}") from None


@app.command("deliver")
def deliver(limit: int = typer.Option(100, min=1, help="Deliver at most this many due write-backs.")) -> None:
    """Deliver the due write-backs now (the job engine does this on its own schedule)."""
    engine = connected_engine()
    try:
        report = deliver_pending_writebacks(engine, settings(), limit)
    except DuplicateConnectorError as error:
        raise CommandError(str(error)) from None
    finally:
        engine.dispose()
    typer.echo(
        f"delivered {report.delivered}, refused {report.refused}, failed {report.failed}, "
        f"retrying later {report.retrying}"
    )


@app.command("list")
def list_(
    status: list[str] = typer.Option([], "--status", "-s", help=f"Only this status (repeatable): {STATUSES}."),
    limit: int = typer.Option(50, min=1, max=1000, help="Show at most this many, newest first."),
) -> None:
    """Show write-backs, newest first, one a line: the CRM's id, or why they failed (the CRM's message when
    refused)."""
    wanted = _statuses(status)
    engine = connected_engine()
    try:
        with sync_sessionmaker(engine)() as session:
            rows = list_writebacks(session, wanted, limit)
    finally:
        engine.dispose()
    for row, connection in rows:
        outcome = f"crm id {row.external_id}" if row.external_id else (row.last_error or "not tried yet")
        typer.echo(
            f"#{row.id} {row.entity.value} {row.entity_id} -> {connection}: {row.status.value} "
            f"after {row.attempts} attempt(s): {outcome}"
        )
    if not rows:
        typer.echo("no write-backs" + (f" with status {', '.join(s.value for s in wanted)}" if wanted else ""))


@app.command("retry")
def retry(
    ids: list[int] = typer.Argument(None, help="The write-backs to retry (default: every failed one)."),
    refused: bool = typer.Option(False, "--refused", help="Also retry refused ones (after fixing the CRM side)."),
) -> None:
    """Make failed (and with --refused, refused) write-backs due again; `writeback deliver` then sends them."""
    statuses = [WritebackStatus.FAILED, *([WritebackStatus.REFUSED] if refused else [])]
    engine = connected_engine()
    try:
        with sync_sessionmaker(engine)() as session:
            count = retry_writebacks(session, ids or (), statuses)
            session.commit()
    finally:
        engine.dispose()
    typer.echo(f"{count} write-back(s) due again; run `acctgraph writeback deliver`")
