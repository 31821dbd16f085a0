"""Checks on every input of an operation, before it runs: no NUL characters in any string.

PostgreSQL refuses NUL in text (an internal error mid-request) while SQLite stores it; refusing it in
variables and in the document's own string literals gives one ``BAD_USER_INPUT`` answer on both.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import DocumentNode, StringValueNode, Visitor, visit
from strawberry.extensions import SchemaExtension

from acctgraph.graphql.document_cache import DocumentCache
from acctgraph.graphql.errors import InvalidArgument

NUL = "\x00"


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


class _NulLiterals(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_string_value(self, node: StringValueNode, *_args: Any) -> None:
        self.found = self.found or NUL in node.value


def _visit_literals(document: DocumentNode) -> bool:
    visitor = _NulLiterals()
    visit(document, visitor)
    return visitor.found


_LITERALS: DocumentCache[bool] = DocumentCache()


def _literal_has_nul(document: DocumentNode) -> bool:
    """Whether a string literal of ``document`` holds NUL: walked once per parsed document, not per request."""
    return _LITERALS.get(document, None, lambda: _visit_literals(document))


class RefuseNulCharacters(SchemaExtension):
    """Refuses, as a validation error, an operation with a NUL character in a variable or a literal.

    Registered after ``ValidationCache`` (like ``LimitCost``), so the document is valid when it looks."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        valid = context.pre_execution_errors == [] and document is not None
        if valid and (_has_nul(context.variables) or _literal_has_nul(document)):  # type: ignore[arg-type]
            context.pre_execution_errors = [
                InvalidArgument("remove the NUL character (\\u0000) from the input: text cannot hold it")
            ]
        yield
