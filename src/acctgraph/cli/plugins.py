"""``acctgraph plugins``: what plugins are loaded, where from, which hooks and connectors they bring."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from acctgraph.cli.context import settings
from acctgraph.integration.connections import Connectors
from acctgraph.integration.plugins import (
    AcctgraphPluginManager,
    connector_classes,
    plugin_infos,
    started_plugin_manager,
)
from acctgraph.integration.plugins import plugin_manager as host_plugin_manager

app = typer.Typer(help="Installed and local plugins.", no_args_is_help=True)


def plugin_manager(plugins_dir: Path | None = None) -> AcctgraphPluginManager:
    """The host's manager for the configured plugins (and ``plugins_dir``'s, when given), not started."""
    config = settings()
    if plugins_dir is not None:
        config = config.model_copy(update={"plugins_dir": plugins_dir})
    return host_plugin_manager(config)


def loaded_connectors() -> tuple[AcctgraphPluginManager, Connectors]:
    """The plugin manager, started (the ``startup`` hook), and the connectors its plugins register."""
    manager = started_plugin_manager(settings())
    return manager, Connectors(connector_classes(manager))


@app.command("list")
def list_plugins(
    plugins_dir: Path = typer.Option(
        None, help="Also load the *.py plugins of this directory (ACCTGRAPH_PLUGINS_DIR)."
    ),
) -> None:
    """Show each plugin: name, version, source, hooks implemented, connectors provided, load error."""
    table = Table("name", "version", "source", "hooks", "connectors", "error")
    infos = plugin_infos(plugin_manager(plugins_dir))
    for info in infos:
        table.add_row(
            info.name,
            info.version or "-",
            info.source,
            ", ".join(info.hooks),
            ", ".join(info.connectors),
            f"[red]{info.error}[/]" if info.error else "",
        )
    console = Console(width=200)
    console.print(table)
    for info in infos:
        if info.error:
            console.print(f"[red]{info.name} failed to load:[/] {info.error}", highlight=False, soft_wrap=True)
