"""Values computed once per parsed document, in a small LRU keyed by the document's identity.

The parser cache (``ParserCache``) hands every request of the same text the same ``DocumentNode``, so
its ``id`` is a cheap key (hashing a document walks all of it). Entries hold their document, so an id
is never reused while its entry lives.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from graphql import DocumentNode

T = TypeVar("T")


class DocumentCache(Generic[T]):
    """``get(document, key, compute)``: ``compute()`` the first time, the stored value afterwards."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[int, Hashable], tuple[DocumentNode, T]] = OrderedDict()

    def get(self, document: DocumentNode, key: Hashable, compute: Callable[[], T]) -> T:
        entry_key = (id(document), key)
        entry = self._entries.get(entry_key)
        if entry is not None and entry[0] is document:
            self._entries.move_to_end(entry_key)
            return entry[1]
        value = compute()
        self._entries[entry_key] = (document, value)
        if len(self._entries) > self.size:
            self._entries.popitem(last=False)
        return value
