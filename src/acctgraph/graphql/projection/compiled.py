"""An operation compiled for one reader: its root fields, its ``accounts`` connection and the page columns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    get_operation_ast,
)
from strawberry.types.field import StrawberryField

from acctgraph import models
from acctgraph.graphql.policy import Reader
from acctgraph.graphql.projection.connection import CompiledConnection, compile_connection
from acctgraph.graphql.projection.nodes import DEFINITION, NodeCompiler
from acctgraph.graphql.projection.selection import NotCovered
from acctgraph.graphql.recent import Recent
from acctgraph.settings import Settings


@dataclass(frozen=True)
class SummaryGuard:
    """Row indexes of what says whether a row's day-dependent values are today's (``NodeCompiler``)."""

    as_of: int
    currency: int
    rates_missing: int
    mrr: int


@dataclass(frozen=True)
class CompiledRead:
    operation: OperationDefinitionNode
    root_fields: tuple[tuple[str, str], ...]
    """(response key, field name) of the root fields: ``accounts`` once, and ``__typename``."""
    connection: CompiledConnection
    accounts_field: StrawberryField
    nodes: NodeCompiler
    guard: SummaryGuard | None
    bound: Recent[tuple[str, date], Any] = field(default_factory=lambda: Recent(64))
    """Statements by (variables, day): ``execution.BoundRead``s."""


def compile_read(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, reader: Reader, settings: Settings
) -> CompiledRead:
    """The operation compiled for ``reader``, or NotCovered."""
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation is not OperationType.QUERY or operation.directives:
        raise NotCovered("not one query operation")
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    nodes = NodeCompiler(schema, reader, fragments, settings)
    root_fields: list[tuple[str, str]] = []
    connection: CompiledConnection | None = None
    for selected, definition in nodes.fields(operation.selection_set, "Query"):
        if selected.name == "accounts" and connection is None:
            connection = compile_connection(nodes, selected, definition)
        elif selected.name != "__typename":
            raise NotCovered(f"Query.{selected.name}")
        root_fields.append((selected.key, selected.name))
    if connection is None:
        raise NotCovered("no accounts list")
    accounts_field = connection.definition.extensions[DEFINITION]
    return CompiledRead(operation, tuple(root_fields), connection, accounts_field, nodes, _guard(nodes))


def _guard(nodes: NodeCompiler) -> SummaryGuard | None:
    if not nodes.current_summary:
        return None
    summary, columns = models.AccountSummary, nodes.columns
    return SummaryGuard(
        columns.add(summary.as_of),
        columns.add(summary.currency),
        columns.add(summary.rates_missing),
        columns.add(summary.mrr_minor),
    )
