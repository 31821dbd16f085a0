"""The plugin manager: hook specs, built-in plugins, pip-installed plugins (entry points) and a plugins directory."""

from __future__ import annotations

import importlib

import pluggy

from acctgraph.integration import hookspecs

ENTRY_POINT_GROUP = "acctgraph"

# Built-in behaviour registers through the same hooks as any plugin (the project uses its own API).
BUILTIN_PLUGINS: tuple[str, ...] = ("acctgraph.domain.health.builtin_measures",)


def create_plugin_manager(load_entry_points: bool = True) -> pluggy.PluginManager:
    """A plugin manager with the specs, the built-ins and (optionally) every installed plugin."""
    manager = pluggy.PluginManager("acctgraph")
    manager.add_hookspecs(hookspecs)
    for module_name in BUILTIN_PLUGINS:
        manager.register(importlib.import_module(module_name), name=module_name)
    if load_entry_points:
        manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    return manager
