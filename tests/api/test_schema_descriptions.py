"""A schema a frontend team can read: every type, field, argument, input field and enum value is described."""

from __future__ import annotations

import strawberry
from graphql import GraphQLSchema
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from acctgraph.graphql.descriptions import DESCRIPTIONS, coordinates, describe
from acctgraph.graphql.schema import MUTATIONS, QUERIES, build_schema
from acctgraph.graphql.subscriptions import Subscription
from acctgraph.graphql.types.scalars import SCALARS
from acctgraph.settings import Settings


def _undescribed_schema() -> GraphQLSchema:
    """The schema as the code alone describes it."""
    query, mutation = merge_types("Query", QUERIES), merge_types("Mutation", MUTATIONS)
    config = StrawberryConfig(scalar_map=SCALARS)
    return strawberry.Schema(query=query, mutation=mutation, subscription=Subscription, config=config)._schema


def test_every_element_of_the_schema_has_a_description() -> None:
    schema = build_schema(Settings(_env_file=None))._schema
    assert describe(schema) == [], "describe them in the code, or in graphql/descriptions.py"
    assert len(coordinates(schema)) > 1000


def test_the_table_names_only_elements_the_code_leaves_undescribed() -> None:
    schema = _undescribed_schema()
    assert set(DESCRIPTIONS) - coordinates(schema) == set(), "these coordinates name nothing in the schema"
    described_by_code = {
        coordinate for coordinate in DESCRIPTIONS if _element_description(schema, coordinate) is not None
    }
    assert described_by_code == set(), "described twice: keep the code's description, drop the table's"


def _element_description(schema: GraphQLSchema, coordinate: str) -> str | None:
    type_name, _, member = coordinate.partition(".")
    named = schema.type_map[type_name]
    if not member:
        return named.description
    field_name, _, argument = member.partition("(")
    if hasattr(named, "values"):
        return named.values[field_name].description  # type: ignore[union-attr]
    field = named.fields[field_name]  # type: ignore[union-attr]
    return field.args[argument.removesuffix(":)")].description if argument else field.description


def test_the_data_source_type_does_not_read_as_a_relay_connection() -> None:
    sdl = build_schema(Settings(_env_file=None)).as_str()
    assert "type SourceConnection" not in sdl
    assert "type DataSource implements Node" in sdl
