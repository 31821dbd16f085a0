"""Values computed once per parsed document (or a node of one), in a small LRU keyed by its identity.

The parser cache (``ParserCache``) hands every request of the same text the same ``DocumentNode``, so
its ``id`` (or the ``id`` of one of its nodes) is a cheap key (hashing a document walks all of it).
Entries hold their node, so an id is never reused while its entry lives.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from graphql.language import Node

from acctgraph.graphql.recent import Recent

T = TypeVar("T")
LONGEST_VARIABLES_KEY = 2048
"""Variables longer than this (as ``repr``) are not part of a cache key: they are computed with each time,
so a cache of a few hundred entries never holds megabytes of variables."""


def variables_key(variables: object) -> str | None:
    """The variables as part of a cache key, or None when too long to keep."""
    key = repr(variables)
    return key if len(key) <= LONGEST_VARIABLES_KEY else None


class DocumentCache(Generic[T]):
    """``get(node, key, compute)``: ``compute()`` the first time, the stored value afterwards."""

    def __init__(self, size: int = 256) -> None:
        self._entries: Recent[tuple[int, Hashable], tuple[Node, T]] = Recent(size)

    def get(self, node: Node, key: Hashable, compute: Callable[[], T]) -> T:
        entry_key = (id(node), key)
        entry = self._entries.get(entry_key)
        if entry is not None and entry[0] is node:
            return entry[1]
        return self._entries.put(entry_key, (node, compute()))[1]
