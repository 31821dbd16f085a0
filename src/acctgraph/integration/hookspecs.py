"""The hook specifications moved to ``acctgraph.hookspecs``; this name stays importable for plugins that use it."""

from acctgraph.hookspecs import *  # noqa: F403
from acctgraph.hookspecs import hookimpl, hookspec

__all__ = ["hookimpl", "hookspec"]
