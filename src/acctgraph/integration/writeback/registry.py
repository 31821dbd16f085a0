"""Which connectors can write back, and with which writer: the connectors' own ``writes``, then the
``crm_writers`` hook's writers (which win), from the one plugin host."""

from __future__ import annotations

from collections.abc import Mapping

import pluggy

from acctgraph.integration.plugins import connector_classes, plugin_manager
from acctgraph.integration.writeback.contract import ENTITIES, CrmWriter
from acctgraph.settings import Settings, get_settings


def crm_writers(manager: pluggy.PluginManager) -> dict[str, CrmWriter]:
    """Writers by connector name."""
    found: dict[str, CrmWriter] = {name: cls() for name, cls in connector_classes(manager).items() if cls.writes}
    for provided in manager.hook.crm_writers():
        found.update(provided or {})
    return found


def writable_entities(settings: Settings | None = None) -> Mapping[str, frozenset[str]]:
    """``{connector name: entities it writes}`` for the process's plugins (``settings``' plugin options;
    default: the environment's). The plugin host caches its manager, so this is cheap after the first call.
    Entities acctgraph does not write back (a writer's typo) are left out rather than failing the change."""
    writers = crm_writers(plugin_manager(settings or get_settings()))
    return {name: frozenset(writer.writes) & ENTITIES for name, writer in writers.items()}
