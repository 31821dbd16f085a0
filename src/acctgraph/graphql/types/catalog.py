"""Products of the catalogue."""

from __future__ import annotations

import strawberry
from strawberry import relay

from acctgraph import models
from acctgraph.graphql.types.node import ModelNode


@strawberry.type(description="A product that contracts sell.")
class Product(ModelNode):
    model = models.Product

    id: relay.NodeID[int]
    sku: str
    name: str
    family: str | None
