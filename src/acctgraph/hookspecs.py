"""Every hook acctgraph calls. Plugins implement them with ``@acctgraph.hookimpl``.

Implementations may accept any subset of a hook's keyword arguments, so adding an argument later
breaks no plugin. They live at the top of the package so that domain and integration code both use them
without one importing the other. docs/plugins.md documents each hook with its exact signature (a test checks).
"""

from __future__ import annotations

from typing import Any

from pluggy import HookimplMarker, HookspecMarker

hookspec = HookspecMarker("acctgraph")
hookimpl = HookimplMarker("acctgraph")


@hookspec
def register_connectors() -> list[type[Any]]:
    """Return the connector classes this plugin provides."""
    raise NotImplementedError  # a specification: pluggy calls the plugins' implementations, never this


@hookspec
def records_synced(connection: str, stream: str, entity: str, records: list[Any]) -> None:
    """Called after a batch of synced records has been committed, with the canonical records."""


@hookspec
def health_measures() -> list[Any]:
    """Return health measures to add to the scorecard's catalogue."""
    raise NotImplementedError  # a specification: pluggy calls the plugins' implementations, never this


@hookspec
def alerts_raised(alerts: list[Any]) -> None:
    """Called after new risk alerts have been committed, e.g. to notify their owners."""


@hookspec
def startup(settings: Any) -> None:
    """Called once when the API application or a CLI command starts."""


@hookspec
def event_published(event: Any) -> None:
    """Called once the outbox relay hands on a committed event (``acctgraph.domain.events.PublishedEvent``)."""


@hookspec
def crm_writers() -> dict[str, Any]:
    """Return ``{connector name: writer}``: write-back (``writes`` and ``write(change, config)``) for connectors."""
    raise NotImplementedError  # a specification: pluggy calls the plugins' implementations, never this
