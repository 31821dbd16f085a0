"""The GraphQL side of request observation: names the operation for the request's metrics and logs."""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from acctgraph.observability.request_context import CURRENT_REQUEST


class NameOperation(SchemaExtension):
    """Labels the request ``query Accounts`` / ``mutation (anonymous)``: the operation type and name."""

    def on_execute(self) -> Iterator[None]:
        stats = CURRENT_REQUEST.get()
        if stats is not None:
            context = self.execution_context
            kind = context.operation_type.value if context.operation_type else "operation"
            stats.operation = f"{kind} {(context.operation_name or '(anonymous)')[:64]}"
        yield
