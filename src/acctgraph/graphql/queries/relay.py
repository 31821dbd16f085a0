"""Relay's ``node(id)`` and ``nodes(ids)``: any object by its global id, loaded in batches."""

from __future__ import annotations

import asyncio

import strawberry
from strawberry import relay
from strawberry.types.base import StrawberryObjectDefinition

from acctgraph.graphql.context import Info
from acctgraph.graphql.errors import InvalidId
from acctgraph.graphql.ids import parse_global_id
from acctgraph.graphql.policy import require_type
from acctgraph.graphql.types.node import ModelNode


def _node_type(info: Info, global_id: relay.GlobalID) -> type[ModelNode]:
    definition = info.schema.get_type_by_name(global_id.type_name)
    origin = definition.origin if isinstance(definition, StrawberryObjectDefinition) else None
    if not (isinstance(origin, type) and issubclass(origin, ModelNode)):
        raise InvalidId(f"{str(global_id)!r} names type {global_id.type_name!r}, which has no objects by id")
    return origin


async def _resolve(info: Info, ids: list[strawberry.ID]) -> list[relay.Node | None]:
    global_ids = [parse_global_id(value) for value in ids]
    types = [_node_type(info, global_id) for global_id in global_ids]
    require_type(info.context.viewer, {global_id.type_name for global_id in global_ids})
    resolved = await asyncio.gather(
        *(
            node_type.resolve_nodes(info=info, node_ids=[gid.node_id])
            for node_type, gid in zip(types, global_ids, strict=True)
        )
    )
    return [nodes[0] for nodes in resolved]


@strawberry.type
class RelayQueries:
    @strawberry.field(description="Any object by its global id; null if it does not exist.")
    async def node(self, info: Info, id: strawberry.ID) -> relay.Node | None:
        return (await _resolve(info, [id]))[0]

    @strawberry.field(description="Objects by global ids, in the same order; null for those that do not exist.")
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[relay.Node | None]:
        return await _resolve(info, ids)
