"""The cost of a query, computed from its document before it runs, and the limit that refuses costly ones.

The cost is the number of list items the query may return, as GitHub's GraphQL API counts nodes: a
connection returns at most ``first``/``last`` nodes (the default page size when neither is given) for
each object above it; a plain list returns at most its bound for each object above it (the days of a
``from``/``to`` range, the ids given to ``nodes``, else the default page size as an estimate of a short
list such as a contract's lines). A single object costs nothing itself but multiplies nothing either.
Aliases and fragments count every time they are selected; the least cost is 1. A query over
``Settings.max_query_cost`` is refused with ``QUERY_TOO_COSTLY`` before any resolver (and so any SQL)
runs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    is_composite_type,
    value_from_ast_untyped,
)
from graphql.type.definition import GraphQLOutputType
from strawberry.extensions import SchemaExtension

from acctgraph.graphql.date_ranges import DEFAULT_HISTORY_DAYS, MAX_HISTORY_DAYS
from acctgraph.graphql.document_cache import DocumentCache, variables_key
from acctgraph.graphql.errors import QueryTooCostly
from acctgraph.settings import Settings

PAGE_CONTAINERS = ("Connection", "Edge")
"""Types whose lists (``edges``, ``nodes``, ``node``) hold the nodes their connection already counted."""

TREE_BRANCHES = frozenset({("Stakeholder", "reports")})
"""Lists that are branches of a tree loaded whole by a list above them (``relationshipMap``): their
items are that list's items, however deep the query nests them."""


class QueryCost:
    """Counts the objects one operation may return, given its variables and the paging settings."""

    def __init__(
        self, schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any] | None, settings: Settings
    ) -> None:
        self.schema = schema
        self.variables = dict(variables or {})
        self.settings = settings
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}

    def operation(self, operation: OperationDefinitionNode) -> int:
        root = self.schema.get_root_type(operation.operation)
        return 0 if root is None else self._selections(operation.selection_set, root, 1)

    def _selections(self, selection_set: SelectionSetNode | None, parent: Any, above: int) -> int:
        return sum(self._field(field, owner, above) for field, owner in self._fields(selection_set, parent))

    def _fields(self, selection_set: SelectionSetNode | None, parent: Any) -> Iterator[tuple[FieldNode, Any]]:
        """The fields selected on ``parent``, through fragments (each spread counted where it is spread)."""
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                yield selection, parent
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                owner = self.schema.get_type(condition.name.value) if condition else parent
                yield from self._fields(selection.selection_set, owner)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments[selection.name.value]
                yield from self._fields(
                    fragment.selection_set, self.schema.get_type(fragment.type_condition.name.value)
                )

    def _field(self, node: FieldNode, parent: Any, above: int) -> int:
        definition: GraphQLField | None = getattr(parent, "fields", {}).get(node.name.value)
        if definition is None:
            return 0
        returns = get_named_type(definition.type)
        if not is_composite_type(returns):
            return 0
        items = self._items(node, definition, parent.name)
        objects = above * (1 if items is None else items)
        return (0 if items is None else objects) + self._selections(node.selection_set, returns, objects)

    def _items(self, node: FieldNode, definition: GraphQLField, parent_name: str) -> int | None:
        """How many items one resolution of this field returns at most; None for a single object (and
        for a connection's own ``edges``/``nodes``, whose items the connection counted)."""
        arguments = self._arguments(node)
        if "first" in definition.args:
            return self._page_size(arguments.get("first"), arguments.get("last"))
        if not _is_list(definition.type) or parent_name.endswith(PAGE_CONTAINERS):
            return None
        if (parent_name, node.name.value) in TREE_BRANCHES:
            return None
        if "from" in definition.args and "to" in definition.args:
            return _days(arguments.get("from"), arguments.get("to"))
        if "ids" in definition.args and isinstance(arguments.get("ids"), list):
            return len(arguments["ids"])
        return self.settings.default_page_size

    def _page_size(self, first: Any, last: Any) -> int:
        size = first if first is not None else last
        if size is None:
            return self.settings.default_page_size
        if not isinstance(size, int):
            return self.settings.max_page_size
        return min(max(size, 0), self.settings.max_page_size)

    def _arguments(self, node: FieldNode) -> dict[str, Any]:
        return {
            argument.name.value: value_from_ast_untyped(argument.value, self.variables)
            for argument in node.arguments or ()
        }


def _is_list(type_: GraphQLOutputType) -> bool:
    return isinstance(type_.of_type if isinstance(type_, GraphQLNonNull) else type_, GraphQLList)


def _days(since: Any, until: Any) -> int:
    """Days in a ``from``/``to`` range as the history fields read it (an invalid range is refused there)."""
    try:
        start = date.fromisoformat(since) if since else None
        end = date.fromisoformat(until) if until else None
    except (TypeError, ValueError):
        return MAX_HISTORY_DAYS + 1
    if start is None or end is None:
        return DEFAULT_HISTORY_DAYS + 1
    return max(1, min((end - start).days, MAX_HISTORY_DAYS) + 1)


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    for operation in operations:
        if name is None or (operation.name is not None and operation.name.value == name):
            return operation
    return None


class LimitCost(SchemaExtension):
    """Refuses, as a validation error, an operation whose cost is over ``Settings.max_query_cost``.

    Registered after ``ValidationCache``, whose hook validates the document on entering the validation
    phase: this hook then costs only valid documents, and its error is seen by strawberry's check that
    ends the phase (which runs before the hooks exit). The cost of a document with the same operation and
    variables is computed once (``costs``, shared by the schema's operations).
    """

    def __init__(self, settings: Settings, costs: DocumentCache[int | None]) -> None:
        self.settings = settings
        self.costs = costs
        self.cost: int | None = None

    def on_validate(self) -> Iterator[None]:
        self.refuse_if_too_costly()
        yield

    def refuse_if_too_costly(self) -> None:
        context = self.execution_context
        document = context.graphql_document
        if context.pre_execution_errors != [] or document is None:
            return
        variables = variables_key(context.variables)

        def cost() -> int | None:
            return self._cost(context.schema._schema, document)

        self.cost = cost() if variables is None else self.costs.get(document, (context.operation_name, variables), cost)
        if self.cost is None:
            return
        budget = self.settings.max_query_cost
        if self.cost > budget:
            context.pre_execution_errors = [
                QueryTooCostly(
                    f"this query may return {self.cost:,} objects, over the budget of {budget:,}; "
                    "ask for smaller pages (`first`/`last`) or fewer nested lists, and page on with `after`"
                )
            ]

    def _cost(self, schema: GraphQLSchema, document: DocumentNode) -> int | None:
        operation = _operation(document, self.execution_context.operation_name)
        if operation is None:
            return None
        return max(QueryCost(schema, document, self.execution_context.variables, self.settings).operation(operation), 1)
