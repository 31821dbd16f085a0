"""``acctgraph worker`` and ``acctgraph jobs``: run the job engine, list its schedules, run a job now."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from acctgraph.cli.context import connected_engine, settings
from acctgraph.cli.errors import CommandError
from acctgraph.cli.output import add_plain_row
from acctgraph.db import sync_sessionmaker
from acctgraph.jobs.queue import QueueConfigError, job_queue
from acctgraph.jobs.reads import scheduled_jobs
from acctgraph.jobs.registry import job_definition, registered_jobs
from acctgraph.jobs.runs import run_job_now
from acctgraph.jobs.tick import ensure_periodic_schedules
from acctgraph.models import JobRunStatus, JobSchedule
from acctgraph.observability.logs import configure_logging

app = typer.Typer(help="The job engine: scheduled syncs and daily jobs.", no_args_is_help=True)


def worker(
    workers: int = typer.Option(1, "--workers", "-w", min=1, max=64, help="Jobs run at once by this process."),
    once: bool = typer.Option(False, "--once", help="Enqueue what is due, run what is waiting, then exit."),
) -> None:
    """Run the job engine's worker: queued and scheduled jobs, until Ctrl-C.

    Several workers (here or on other machines) can share one PostgreSQL or Redis queue (ACCTGRAPH_QUEUE_URL)."""
    config = settings()
    engine = connected_engine()
    configure_logging(config)
    from acctgraph.jobs.tick import enqueue_due_schedules, ensure_periodic_schedules
    from acctgraph.jobs.worker import run_queued_jobs, run_worker

    try:
        if once:
            ensure_periodic_schedules(config, engine)
            enqueue_due_schedules(config, engine)
            typer.echo(f"{run_queued_jobs(config)} job(s) run")
        else:
            run_worker(config, workers)
    except QueueConfigError as error:
        raise CommandError(str(error)) from None
    finally:
        engine.dispose()


def _when(moment: object) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S}" if moment else "-"


@app.command("list")
def list_jobs() -> None:
    """Each scheduled job: its schedule, next run, last run, outcome (the error of a failed run)."""
    engine = connected_engine()
    ensure_periodic_schedules(settings(), engine)
    table = Table("name", "schedule", "next run (UTC)", "last run (UTC)", "status", "outcome")
    with sync_sessionmaker(engine)() as session:
        for job in scheduled_jobs(session):
            schedule = job.schedule if job.enabled else f"{job.schedule} (off)"
            add_plain_row(
                table,
                job.name,
                schedule,
                _when(job.next_run_at),
                _when(job.last_run_at),
                job.last_status or "never run",
                (job.last_error or job.last_outcome or "").splitlines()[0]
                if (job.last_error or job.last_outcome)
                else "",
            )
    Console(width=220).print(table)
    try:
        depth = job_queue(settings()).depth()
    except QueueConfigError as error:
        raise CommandError(str(error)) from None
    typer.echo(f"{depth} task(s) waiting in the queue")


@app.command("run")
def run(
    name: str = typer.Argument(..., help="A schedule (`jobs list`, e.g. sync:hubspot) or a job name."),
    params: str = typer.Option("{}", help="The job's parameters as JSON, for a job run without a schedule."),
) -> None:
    """Run one job now, in this process, recorded like a scheduled run; exits 1 if it fails."""
    engine = connected_engine()
    ensure_periodic_schedules(settings(), engine)
    with sync_sessionmaker(engine)() as session:
        schedule = session.query(JobSchedule).filter_by(name=name).one_or_none()
        job_name = schedule.job if schedule else name
        arguments = dict(schedule.params) if schedule else _parse_params(params)
        schedule_id = schedule.id if schedule else None
    try:
        definition = job_definition(job_name)
    except KeyError:
        known = ", ".join(sorted(registered_jobs()))
        raise CommandError(
            f"no schedule or job named {name!r}; `acctgraph jobs list` shows them (jobs: {known})"
        ) from None
    result = run_job_now(settings(), engine, definition, arguments, schedule_id)
    typer.echo(f"{name}: {result.status.value}: {result.error or result.outcome or ''}".rstrip(": "))
    if result.status is JobRunStatus.FAILED:
        raise typer.Exit(1)


def _parse_params(text: str) -> dict[str, object]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        value = None
    if not isinstance(value, dict):
        raise CommandError(f"--params {text!r} is not a JSON object; e.g. --params '{{\"connection_id\": 1}}'")
    return value
