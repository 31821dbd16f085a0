"""Custom scalars, registered in the schema's ``scalar_map``."""

from __future__ import annotations

from typing import NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

BigInt = NewType("BigInt", int)

SCALARS: dict[object, ScalarDefinition] = {
    BigInt: strawberry.scalar(
        name="BigInt",
        description="An integer beyond GraphQL's 32 bits (money in minor units), serialized as a JSON number.",
        serialize=int,
        parse_value=int,
    )
}
