"""Compiling an ``accounts(...)`` connection: what its page holds, and the response built from a page.

The compiled form depends only on the document, the operation and the reader; a request then binds the
arguments (``execution``), runs one statement and hands the page here to be shaped like the executor's
answer: the same keys in the same order, the same cursors (``graphql.keyset``) and page info
(``graphql.connections.build_connection``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import FieldNode, GraphQLField, get_named_type

from acctgraph.graphql.connections import COUNT_ONLY
from acctgraph.graphql.projection.nodes import NodeCompiler, Produce, Row
from acctgraph.graphql.projection.selection import NotCovered, Selected


@dataclass
class Page:
    """A fetched page, in the order it is answered."""

    rows: list[Row]
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool
    total_count: int | None


PageProduce = Callable[[Page], Any]
PageFields = list[tuple[str, PageProduce]]


def constant(value: Any) -> PageProduce:
    """A produce of one value, whatever the page."""
    return lambda _page: value


@dataclass(frozen=True)
class CompiledConnection:
    """An ``accounts`` connection: its response fields and what the page must fetch for them."""

    field: FieldNode
    definition: GraphQLField
    fields: PageFields
    rows_wanted: bool
    total_wanted: bool
    cursors_wanted: bool

    def answer(self, page: Page) -> dict[str, Any]:
        return {key: produce(page) for key, produce in self.fields}


def compile_connection(compiler: NodeCompiler, selected: Selected, definition: GraphQLField) -> CompiledConnection:
    type_name = get_named_type(definition.type).name
    fields: PageFields = []
    names: set[str] = set()
    cursors_wanted = False
    for child, child_definition in compiler.fields(selected.node.selection_set, type_name):
        names.add(child.name)
        if child.name == "__typename":
            fields.append((child.key, constant(type_name)))
        elif child.name == "totalCount":
            fields.append((child.key, _total_count))
        elif child.name == "nodes":
            fields.append((child.key, _nodes(compiler.account(child.node.selection_set))))
        elif child.name == "edges":
            produce, with_cursors = _edges(compiler, child, get_named_type(child_definition.type).name)
            fields.append((child.key, produce))
            cursors_wanted = cursors_wanted or with_cursors
        elif child.name == "pageInfo":
            produce, with_cursors = _page_info(compiler, child)
            fields.append((child.key, produce))
            cursors_wanted = cursors_wanted or with_cursors
        else:
            raise NotCovered(f"{type_name}.{child.name}")
    return CompiledConnection(
        selected.node,
        definition,
        fields,
        rows_wanted=not names <= COUNT_ONLY,
        total_wanted="totalCount" in names,
        cursors_wanted=cursors_wanted,
    )


def _total_count(page: Page) -> Any:
    return page.total_count


def _nodes(node: Produce) -> PageProduce:
    return lambda page: list(map(node, page.rows))


def _edges(compiler: NodeCompiler, selected: Selected, type_name: str) -> tuple[PageProduce, bool]:
    parts: list[tuple[str, str, Produce | None]] = []
    for child, _definition in compiler.fields(selected.node.selection_set, type_name):
        if child.name == "node":
            parts.append((child.key, "node", compiler.account(child.node.selection_set)))
        elif child.name in ("cursor", "__typename"):
            parts.append((child.key, child.name, None))
        else:
            raise NotCovered(f"{type_name}.{child.name}")

    def edges(page: Page) -> list[dict[str, Any]]:
        answered = []
        for position, row in enumerate(page.rows):
            edge: dict[str, Any] = {}
            for key, kind, node in parts:
                if kind == "node":
                    edge[key] = node(row)  # type: ignore[misc]
                elif kind == "cursor":
                    edge[key] = page.cursors[position]
                else:
                    edge[key] = type_name
            answered.append(edge)
        return answered

    return edges, any(kind == "cursor" for _key, kind, _node in parts)


PAGE_INFO: dict[str, PageProduce] = {
    "__typename": constant("PageInfo"),
    "hasNextPage": lambda page: page.has_next_page,
    "hasPreviousPage": lambda page: page.has_previous_page,
    "startCursor": lambda page: page.cursors[0] if page.cursors else None,
    "endCursor": lambda page: page.cursors[-1] if page.cursors else None,
}


def _page_info(compiler: NodeCompiler, selected: Selected) -> tuple[PageProduce, bool]:
    fields: PageFields = []
    for child, _definition in compiler.fields(selected.node.selection_set, "PageInfo"):
        if child.name not in PAGE_INFO:
            raise NotCovered(f"PageInfo.{child.name}")
        fields.append((child.key, PAGE_INFO[child.name]))
    cursors = (PAGE_INFO["startCursor"], PAGE_INFO["endCursor"])
    wants_cursors = any(produce in cursors for _key, produce in fields)
    return (lambda page: {key: produce(page) for key, produce in fields}), wants_cursors
