"""Moved to :mod:`acctgraph.testing.databases`; this name stays so that tests written against it keep working."""

from acctgraph.testing.databases import *  # noqa: F403
from acctgraph.testing.databases import __all__  # noqa: F401
