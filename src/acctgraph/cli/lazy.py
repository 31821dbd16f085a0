"""Subcommands imported when they are called, so ``acctgraph sync run`` does not first load the GraphQL schema,
the job queue and every other command's dependencies (the whole CLI took about 4 s to import).

This is Click's documented "lazily loading subcommands" pattern on Typer's group class: the root names
each command's ``module:attribute`` and builds its click command only when it is asked for (``--help``
on the root still asks for all of them).
"""

from __future__ import annotations

import importlib
from typing import Any, ClassVar

import typer
from typer import _click as click  # Typer (>= 0.29) ships its own click: its groups take these types
from typer.core import TyperGroup


def command_of(target: str, name: str) -> click.Command:
    """The click command for ``module:attribute``: a Typer app (a group) or a plain command function."""
    module_name, attribute = target.split(":")
    found: Any = getattr(importlib.import_module(module_name), attribute)
    command: click.Command
    if isinstance(found, typer.Typer):
        command = typer.main.get_group(found)  # a group even when it holds one command, as add_typer makes it
    else:
        single = typer.Typer()
        single.command(name)(found)
        command = typer.main.get_command(single)
    command.name = name
    return command


class LazyGroup(TyperGroup):
    """A Typer group whose subcommands (``lazy_commands``: name -> ``module:attribute``) load on first use."""

    lazy_commands: ClassVar[dict[str, str]] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), *(name for name in self.lazy_commands if name not in self.commands)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            self.commands[cmd_name] = command_of(self.lazy_commands[cmd_name], cmd_name)
        return super().get_command(ctx, cmd_name)
