"""The errors the CLI turns into one readable line instead of a traceback, and its exit codes."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from acctgraph.db import DatabaseConfigError

stderr = Console(stderr=True, soft_wrap=True)

EXIT_ERROR = 1
"""A command failed (bad input, a failed sync): the message says what to fix."""
EXIT_PARTIAL = 75
"""A sync ended as partial because the source rate-limited it (``EX_TEMPFAIL``): run it again later; it
resumes from its last checkpoint."""


class CommandError(Exception):
    """A CLI-level problem whose message says what to do about it."""


UserFacingError = (CommandError, DatabaseConfigError)


def report(error: Exception) -> None:
    """Print ``error`` as it is: brackets in it (a regex, a list) are text, not rich markup."""
    stderr.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False)
