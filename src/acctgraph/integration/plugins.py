"""The one plugin host: hook specs, built-in plugins, pip-installed plugins (entry points) and a plugins directory.

``plugin_manager(settings)`` is the manager every entry point uses (the app, whose lifespan calls the
``startup`` hook, the CLI, the worker); it is built once per configuration and cached, as datasette's
``plugins.py`` builds one ``pm``. ``create_plugin_manager`` builds a fresh one (tests that register a
recorder of their own). A plugin that fails to import is recorded with its error and the others still load.
``ACCTGRAPH_LOAD_PLUGINS=a,b`` loads only the named plugins besides the built-ins (empty: none), ``ACCTGRAPH_TRACE_PLUGINS=1``
prints every hook call to stderr; datasette's ``DATASETTE_LOAD_PLUGINS`` and ``..._TRACE_PLUGINS`` are the model.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import traceback
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pluggy

import acctgraph
from acctgraph import hookspecs
from acctgraph.integration.connector import Connector

if TYPE_CHECKING:
    from acctgraph.settings import Settings

ENTRY_POINT_GROUP = "acctgraph"

# Built-in behaviour registers through the same hooks as any plugin (the project uses its own API).
BUILTIN_PLUGINS: tuple[str, ...] = (
    "acctgraph.domain.health.builtin_measures",
    "acctgraph.integration.sync_log",
    "acctgraph.observability.sync_metrics",
)


@dataclass(frozen=True)
class PluginOrigin:
    version: str
    source: str


@dataclass
class PluginInfo:
    """What ``acctgraph plugins list`` shows of one plugin."""

    name: str
    version: str
    source: str
    hooks: list[str] = field(default_factory=list)
    connectors: list[str] = field(default_factory=list)
    error: str | None = None


class AcctgraphPluginManager(pluggy.PluginManager):
    """A pluggy manager that remembers where each plugin came from and which ones failed to load."""

    def __init__(self) -> None:
        super().__init__("acctgraph")
        self.add_hookspecs(hookspecs)
        self.origins: dict[str, PluginOrigin] = {}
        self.failures: dict[str, PluginInfo] = {}
        self.started = False

    def register_from(self, plugin: ModuleType, name: str, origin: PluginOrigin) -> None:
        self.register(plugin, name=name)
        self.origins[name] = origin

    def record_failure(self, name: str, origin: PluginOrigin, error: BaseException) -> None:
        message = "".join(traceback.format_exception_only(error)).strip()
        self.failures[name] = PluginInfo(name, origin.version, origin.source, error=message)


def parse_plugin_names(value: str | None) -> frozenset[str] | None:
    """``None`` (unset): load every plugin; ``""``: none; ``"a,b"``: only those."""
    if value is None:
        return None
    return frozenset(name.strip() for name in value.split(",") if name.strip())


def create_plugin_manager(
    *,
    load_entry_points: bool = True,
    plugins_dir: Path | None = None,
    only: Iterable[str] | None = None,
    trace: bool = False,
) -> AcctgraphPluginManager:
    """A plugin manager with the specs, the built-ins, and the installed and local plugins allowed by ``only``."""
    manager = AcctgraphPluginManager()
    allowed = None if only is None else frozenset(only)
    for module_name in BUILTIN_PLUGINS:
        module = importlib.import_module(module_name)
        manager.register_from(module, module_name, PluginOrigin(acctgraph.__version__, "built-in"))
    if load_entry_points:
        _load_entry_points(manager, allowed)
    if plugins_dir is not None:
        _load_directory(manager, plugins_dir, allowed)
    if trace:
        _trace_hook_calls(manager)
    return manager


def plugin_manager(settings: Settings) -> AcctgraphPluginManager:
    """The process's manager for these settings' plugin options: built on first use, then reused."""
    return _cached_manager(settings.plugins_dir, settings.load_plugins, settings.trace_plugins)


@cache
def _cached_manager(plugins_dir: Path | None, load_plugins: str | None, trace: bool) -> AcctgraphPluginManager:
    return create_plugin_manager(plugins_dir=plugins_dir, only=parse_plugin_names(load_plugins), trace=trace)


plugin_manager_from_settings = plugin_manager
"""The name ``plugin_manager`` had before the host cached it; kept for callers that use it."""


def started_plugin_manager(settings: Settings) -> AcctgraphPluginManager:
    """``plugin_manager(settings)`` with the ``startup`` hook called, once per process (CLI commands, workers)."""
    manager = plugin_manager(settings)
    if not manager.started:
        manager.started = True
        manager.hook.startup(settings=settings)
    return manager


def _load_entry_points(manager: AcctgraphPluginManager, allowed: frozenset[str] | None) -> None:
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        if allowed is not None and entry_point.name not in allowed:
            continue
        dist = entry_point.dist
        origin = PluginOrigin(dist.version if dist else "", f"pip: {dist.name if dist else entry_point.value}")
        try:
            plugin = entry_point.load()
        except Exception as error:  # a broken plugin must not stop the others
            manager.record_failure(entry_point.name, origin, error)
            continue
        manager.register_from(plugin, entry_point.name, origin)


def _load_directory(manager: AcctgraphPluginManager, directory: Path, allowed: frozenset[str] | None) -> None:
    """Import every ``*.py`` file of ``directory`` as a plugin named after the file."""
    for path in sorted(directory.glob("*.py")):
        name = path.stem
        if allowed is not None and name not in allowed:
            continue
        origin = PluginOrigin("", f"directory: {path}")
        try:
            module = _import_file(f"acctgraph_local_plugins.{name}", path)
        except Exception as error:
            manager.record_failure(name, origin, error)
            continue
        manager.register_from(module, name, PluginOrigin(getattr(module, "__version__", ""), origin.source))


def _import_file(module_name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    return module


def _trace_hook_calls(manager: pluggy.PluginManager) -> None:
    def before(hook_name: str, hook_impls: Sequence[pluggy.HookImpl], kwargs: Mapping[str, Any]) -> None:
        plugins = ", ".join(impl.plugin_name for impl in hook_impls)
        print(f"acctgraph hook {hook_name}({', '.join(kwargs)}) -> [{plugins}]", file=sys.stderr)

    def after(
        outcome: pluggy.Result[Any], hook_name: str, hook_impls: Sequence[pluggy.HookImpl], kwargs: Mapping[str, Any]
    ) -> None:
        status = "raised" if outcome.exception else "returned"
        print(f"acctgraph hook {hook_name} {status}", file=sys.stderr)

    manager.add_hookcall_monitoring(before, after)


class DuplicateConnectorError(Exception):
    """Two plugins register a connector under the same name."""


def connector_classes(manager: pluggy.PluginManager) -> dict[str, type[Connector]]:
    """Every connector the loaded plugins register, by name."""
    found: dict[str, type[Connector]] = {}
    for classes in manager.hook.register_connectors():
        for connector_class in classes or ():
            if connector_class.name in found and found[connector_class.name] is not connector_class:
                raise DuplicateConnectorError(
                    f"two plugins register a connector named {connector_class.name!r}; "
                    "uninstall one or limit loading with ACCTGRAPH_LOAD_PLUGINS"
                )
            found[connector_class.name] = connector_class
    return found


def plugin_infos(manager: AcctgraphPluginManager) -> list[PluginInfo]:
    """One entry per loaded or failed plugin, sorted by name."""
    infos = list(manager.failures.values())
    for name, plugin in manager.list_name_plugin():
        origin = manager.origins.get(name, PluginOrigin("", "registered"))
        hooks = sorted(caller.name for caller in manager.get_hookcallers(plugin) or ())
        provided = getattr(plugin, "register_connectors", None)
        connectors = sorted(cls.name for cls in provided()) if provided and "register_connectors" in hooks else []
        infos.append(PluginInfo(name, origin.version, origin.source, hooks, connectors))
    return sorted(infos, key=lambda info: info.name)
