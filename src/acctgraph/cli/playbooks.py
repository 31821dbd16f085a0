"""``acctgraph playbooks``: list the configured playbooks and run their triggers over the book."""

from __future__ import annotations

from datetime import UTC, date, datetime

import typer
from sqlalchemy.orm import Session

from acctgraph.cli.context import connected_engine, settings
from acctgraph.cli.errors import CommandError
from acctgraph.db import sync_sessionmaker
from acctgraph.domain.tasks.playbook_config import PlaybookConfig, PlaybookConfigError, load_playbooks
from acctgraph.domain.tasks.playbooks import PlaybookRefresh, run_playbooks

app = typer.Typer(help="Playbooks: task templates started by hand or by rules.", no_args_is_help=True)


def configured() -> PlaybookConfig:
    """The playbooks of ACCTGRAPH_PLAYBOOKS_FILE (or the shipped default), or a one-line error."""
    try:
        return load_playbooks(settings().playbooks_file)
    except PlaybookConfigError as error:
        raise CommandError(f"{error}. Fix the file named by ACCTGRAPH_PLAYBOOKS_FILE.") from None


def refresh(session: Session, day: date) -> PlaybookRefresh:
    """Run the playbooks on ``day``, commit, and say what happened."""
    result = run_playbooks(session, configured(), day)
    session.commit()
    typer.echo(f"{len(result.started)} playbook runs started, {len(result.closed_tasks)} tasks closed with their alert")
    return result


@app.command("list")
def list_playbooks() -> None:
    """The configured playbooks, their triggers and steps."""
    for key, playbook in configured().playbooks.items():
        triggers = ", ".join(trigger.on for trigger in playbook.triggers) or "by hand only"
        typer.echo(f"{key}: {playbook.name} ({len(playbook.steps)} steps; started on {triggers})")


@app.command()
def run(
    day: datetime | None = typer.Option(
        None, formats=["%Y-%m-%d"], help="The day to run for, YYYY-MM-DD; default: today (UTC)."
    ),
) -> None:
    """Close the tasks of resolved alerts' runs and start the runs whose trigger holds on DAY."""
    with sync_sessionmaker(connected_engine())() as session:
        refresh(session, day.date() if day else datetime.now(UTC).date())
