"""The errors the CLI turns into one readable line instead of a traceback."""

from __future__ import annotations

from rich.console import Console

from acctgraph.db import DatabaseConfigError

stderr = Console(stderr=True, soft_wrap=True)


class CommandError(Exception):
    """A CLI-level problem whose message says what to do about it."""


UserFacingError = (CommandError, DatabaseConfigError)


def report(error: Exception) -> None:
    stderr.print(f"[bold red]error:[/] {error}", highlight=False)
