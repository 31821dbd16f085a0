"""Relay's ``node(id)`` and ``nodes(ids)``: any object by its global id."""

from __future__ import annotations

import strawberry
from strawberry import relay


@strawberry.type
class RelayQueries:
    node: relay.Node | None = relay.node(description="Any object by its global id; null if it does not exist.")
    nodes: list[relay.Node | None] = relay.node(
        description="Objects by global ids, in the same order; null for those that do not exist."
    )
