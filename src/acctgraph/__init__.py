"""acctgraph: one model of a book of accounts, served over GraphQL and fed by connector plugins."""

__version__ = "0.1.0"

from acctgraph.hookspecs import hookimpl

__all__ = ["__version__", "hookimpl"]
