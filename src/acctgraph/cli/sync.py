"""``acctgraph sync``: run a connection's sync with a live progress display, show recent runs and the
records a connection rejected."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.live import Live
from rich.table import Table
from sqlalchemy import select

from acctgraph.cli.context import connected_engine, settings
from acctgraph.cli.errors import EXIT_PARTIAL, CommandError
from acctgraph.cli.output import add_plain_row
from acctgraph.cli.plugins import loaded_connectors
from acctgraph.db import sync_sessionmaker
from acctgraph.integration.batches import COUNTS
from acctgraph.integration.connections import ConnectionSetupError, get_connection
from acctgraph.integration.engine import SyncOptions, run_sync
from acctgraph.integration.locks import SyncLockedError
from acctgraph.models import Connection, RejectedRecord, SyncRun, SyncRunStatus, SyncRunStream

app = typer.Typer(help="Sync connections and inspect their runs.", no_args_is_help=True)

COUNT_COLUMNS = ("read", "created", "updated", "unchanged", "deleted", "rejected", "quarantined")


def _counts_table(title: str, streams: list[SyncRunStream]) -> Table:
    """One row per stream, and under it one per kind of record nested in its records (a contract's
    lines), counted apart: they are not read on their own, nor rejected alone."""
    table = Table("stream", *COUNT_COLUMNS, title=title)
    for stream in streams:
        add_plain_row(table, stream.stream, *(getattr(stream, column) for column in COUNT_COLUMNS))
        for entity, counts in (stream.nested or {}).items():
            nested = (counts.get(column, 0) if column in COUNTS else "" for column in COUNT_COLUMNS)
            add_plain_row(table, f"  {stream.stream} > {entity}", *nested)
    return table


@app.command("run")
def run(
    connection: str = typer.Argument(..., help="The connection to sync."),
    stream: list[str] = typer.Option([], "--stream", "-s", help="Sync only this stream (repeatable)."),
    full_refresh: bool = typer.Option(False, help="Read everything again and mark deleted what is gone."),
) -> None:
    """Sync CONNECTION into the database, showing per-stream counts as batches commit.

    Exits 1 if the sync failed, and 75 if the source rate-limited it (the run is partial: run it again
    later and it resumes from its last checkpoint)."""
    manager, connectors = loaded_connectors()
    seen: dict[str, SyncRunStream] = {}
    console = Console(stderr=True)
    with Live(_counts_table(f"syncing {connection}", []), console=console, refresh_per_second=4) as live:

        def on_progress(counts: SyncRunStream) -> None:
            seen[counts.stream] = counts
            live.update(_counts_table(f"syncing {connection}", list(seen.values())))

        try:
            result = run_sync(
                connected_engine(),
                connection,
                connectors,
                secret_key=settings().secret_key,
                options=SyncOptions(streams=stream or None, full_refresh=full_refresh),
                hook=manager.hook,
                on_progress=on_progress,
            )
        except (SyncLockedError, ConnectionSetupError, KeyError) as error:
            raise CommandError(str(error).strip("'\"")) from None
        live.update(_counts_table(f"{connection}: run {result.id} {result.status}", result.streams))
    if result.status is SyncRunStatus.FAILED:
        raise CommandError(f"sync of {connection!r} failed: {result.error}")
    if result.status is SyncRunStatus.PARTIAL:
        console.print(f"partial: {result.error}", markup=False, highlight=False)
        raise typer.Exit(EXIT_PARTIAL)


@app.command()
def status(limit: int = typer.Option(10, min=1, help="How many recent runs to show.")) -> None:
    """Show the most recent runs: status, timings, counts of the streams' own records, error."""
    table = Table("run", "connection", "status", "started", "duration", *COUNT_COLUMNS, "error")
    with sync_sessionmaker(connected_engine())() as session:
        rows = session.execute(
            select(SyncRun, Connection.name).join(Connection).order_by(SyncRun.id.desc()).limit(limit)
        ).all()
        for run_, name in rows:
            duration = f"{(run_.finished_at - run_.started_at).total_seconds():.1f}s" if run_.finished_at else "-"
            totals = [sum(getattr(s, column) for s in run_.streams) for column in COUNT_COLUMNS]
            add_plain_row(
                table,
                run_.id,
                name,
                run_.status,
                f"{run_.started_at:%Y-%m-%d %H:%M:%S}",
                duration,
                *totals,
                run_.error or "",
            )
    Console(width=220).print(table)


@app.command()
def rejected(
    connection: str = typer.Argument(..., help="The connection whose rejected records to show."),
    stream: str | None = typer.Option(None, "--stream", "-s", help="Only this stream's."),
    limit: int = typer.Option(50, min=1, help="How many to show, newest first."),
) -> None:
    """Show the records CONNECTION rejected: the run, the stream, the record, why, and its payload.

    A rejected record stays here until the source sends it again in a form that is valid."""
    table = Table("run", "stream", "record", "reason", "payload", title=f"records {connection} rejected")
    with sync_sessionmaker(connected_engine())() as session:
        try:
            connection_id = get_connection(session, connection).id
        except ConnectionSetupError as error:
            raise CommandError(str(error)) from None
        statement = select(RejectedRecord).where(RejectedRecord.connection_id == connection_id)
        if stream is not None:
            statement = statement.where(RejectedRecord.stream == stream)
        for entry in session.scalars(statement.order_by(RejectedRecord.id.desc()).limit(limit)):
            payload = json.dumps(entry.payload, sort_keys=True, default=str)
            add_plain_row(table, entry.run_id or "-", entry.stream, entry.record_key, entry.reason, payload)
    if not table.row_count:
        typer.echo(f"no rejected records for {connection!r}" + (f" in stream {stream!r}" if stream else ""))
        return
    Console(width=220).print(table)


@app.command("worker")
def worker(
    workers: int = typer.Option(1, "--workers", "-w", min=1, max=64, help="Jobs run at once by this process."),
    once: bool = typer.Option(False, "--once", help="Enqueue what is due, run what is waiting, then exit."),
) -> None:
    """The same as `acctgraph worker` (its old name): run the job engine's worker."""
    from acctgraph.cli.jobs import worker as job_worker

    job_worker(workers, once)
