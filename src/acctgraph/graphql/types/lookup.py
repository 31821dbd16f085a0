"""A to-one reference resolved through the request's batched loader, as a node type (or None)."""

from __future__ import annotations

from typing import Any, TypeVar

from acctgraph.graphql.context import Info
from acctgraph.graphql.loaders import load_by_id
from acctgraph.graphql.types.node import ModelNode

N = TypeVar("N", bound=ModelNode)


async def node_of(info: Info, model: Any, pk: int | None, node_type: type[N]) -> N | None:
    """The ``node_type`` of the ``model`` row ``pk`` (one batched query per model and request tick)."""
    row = await load_by_id(info.context, model, pk)
    return None if row is None else node_type.from_row(row)
