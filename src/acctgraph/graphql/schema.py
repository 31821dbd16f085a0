"""The GraphQL schema: the root types merged from each area's module, with the limits from settings."""

from __future__ import annotations

import strawberry
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from acctgraph.graphql.extensions import schema_extensions
from acctgraph.graphql.queries.accounts import AccountQueries
from acctgraph.graphql.queries.relay import RelayQueries
from acctgraph.graphql.queries.sync import SyncQueries
from acctgraph.graphql.queries.users import UserQueries
from acctgraph.graphql.types.scalars import SCALARS
from acctgraph.settings import Settings

QUERIES: tuple[type, ...] = (RelayQueries, AccountQueries, UserQueries, SyncQueries)
MUTATIONS: tuple[type, ...] = ()


def build_schema(settings: Settings) -> strawberry.Schema:
    query = merge_types("Query", QUERIES)
    mutation = merge_types("Mutation", MUTATIONS) if MUTATIONS else None
    return strawberry.Schema(
        query=query,
        mutation=mutation,
        extensions=schema_extensions(settings),
        config=StrawberryConfig(scalar_map=SCALARS),
    )


def schema_sdl(settings: Settings) -> str:
    """The schema in SDL, as written to schema.graphql."""
    return build_schema(settings).as_str() + "\n"
