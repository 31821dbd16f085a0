"""Node types backed by one model row each, resolvable by global id in batches."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable
from typing import Any, ClassVar, Literal, Self, overload

from strawberry import relay

from acctgraph.graphql.context import Info
from acctgraph.graphql.errors import NotFound
from acctgraph.graphql.loaders import load_many_by_id


@functools.cache
def _row_fields(node_type: type) -> tuple[str, ...]:
    """The constructor fields of a node type: the columns copied from its row."""
    return tuple(field.name for field in dataclasses.fields(node_type) if field.init)


class ModelNode(relay.Node):
    """A Node whose fields are copied by name from a row of ``model``."""

    model: ClassVar[type[Any]]

    @classmethod
    def from_row(cls, row: Any) -> Self:
        node_type: type = cls  # mypy does not count type[Self] as Hashable, which functools.cache needs
        return cls(**{name: getattr(row, name) for name in _row_fields(node_type)})

    @overload
    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: Literal[True]) -> list[Self]: ...

    @overload
    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: Literal[False] = ...
    ) -> list[Self | None]: ...

    @overload
    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool
    ) -> list[Self] | list[Self | None]: ...

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self] | list[Self | None]:
        """The nodes in the order of ``node_ids``; None for ids with no row unless ``required``."""
        node_ids = list(node_ids)
        pks = [int(node_id) if node_id.isdigit() else -1 for node_id in node_ids]
        rows = await load_many_by_id(info.context, cls.model, pks)
        if required and None in rows:
            missing = node_ids[rows.index(None)]
            raise NotFound(f"no {cls.__name__} with id {relay.GlobalID(cls.__name__, missing)}")
        return [None if row is None else cls.from_row(row) for row in rows]
