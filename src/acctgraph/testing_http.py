"""Moved to :mod:`acctgraph.testing.http`; this name stays so that tests written against it keep working."""

from acctgraph.testing.http import *  # noqa: F403
from acctgraph.testing.http import __all__  # noqa: F401
