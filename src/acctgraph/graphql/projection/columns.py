"""The columns of a compiled page: each SQL expression once, at a fixed index, with its JSON decoder."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement

from acctgraph.graphql.projection.selection import NotCovered
from acctgraph.graphql.projection.values import MAX_COLUMNS, Decoder, decoder


class PageColumns:
    """What a page's rows hold, in order; a node reads its values by the index ``add`` gave."""

    def __init__(self) -> None:
        self.expressions: list[ColumnElement[Any]] = []
        self.decoders: list[Decoder | None] = []
        self._indexes: dict[tuple[Any, bool], int] = {}

    def add(self, expression: Any, raw: bool = False) -> int:
        """The index of ``expression`` in a row, adding it the first time; ``raw``: as JSON gives it, not
        decoded (for a reader that maps JSON values itself)."""
        index = self._indexes.get((expression, raw))
        if index is None:
            if len(self.expressions) >= MAX_COLUMNS:
                raise NotCovered("too many columns")
            index = self._indexes[(expression, raw)] = len(self.expressions)
            self.expressions.append(expression)
            self.decoders.append(None if raw else decoder(expression.type))
        return index
