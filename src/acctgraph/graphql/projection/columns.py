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
        self._indexes: dict[Any, int] = {}

    def add(self, expression: Any) -> int:
        """The index of ``expression`` in a row, adding it the first time."""
        index = self._indexes.get(expression)
        if index is None:
            if len(self.expressions) >= MAX_COLUMNS:
                raise NotCovered("too many columns")
            index = self._indexes[expression] = len(self.expressions)
            self.expressions.append(expression)
            self.decoders.append(decoder(expression.type))
        return index
