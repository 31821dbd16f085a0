"""``acctgraph doctor``: check a deployment and say what to fix; exit code 1 when anything needs fixing."""

from __future__ import annotations

import typer
from rich.console import Console

from acctgraph.cli.context import settings
from acctgraph.db import create_sync_engine
from acctgraph.observability.doctor import diagnose
from acctgraph.observability.findings import Status

MARKS = {Status.OK: "[green]ok[/]     ", Status.INFO: "[blue]info[/]   ", Status.PROBLEM: "[red]problem[/]"}


def doctor() -> None:
    """Check the database (reachable, migrated), the first admin, connections' last syncs, schedules and the worker."""
    engine = create_sync_engine(settings().database_url)
    try:
        findings = diagnose(engine)
    finally:
        engine.dispose()
    console = Console(soft_wrap=True)
    for finding in findings:
        console.print(f"{MARKS[finding.status]} {finding.check}: {finding.message}", highlight=False)
    problems = sum(finding.status is Status.PROBLEM for finding in findings)
    console.print(f"{problems} problem(s)" if problems else "all good", highlight=False)
    if problems:
        raise typer.Exit(1)
