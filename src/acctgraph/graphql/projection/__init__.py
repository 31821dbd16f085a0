"""Compiled reads: an ``accounts(...)`` query answered from one SQL statement, without field resolvers.

The dashboard's page resolved field by field costs ~1,200 resolver calls and asyncio tasks per 100
accounts, whatever the SQL. For operations whose root is ``accounts(...)`` and whose selection the read
model (``account_summaries``) and a join or two can answer, the validated document is compiled once per
(document, operation, reader) into the page's columns and functions that build the response from a row;
each request binds its arguments to the one list definition the resolver uses
(``graphql.queries.accounts.listed_accounts``), runs one statement (the page as JSON, with its count)
and builds the ``data`` dict directly.

Authorization is compiled in: every field is checked against the field policy for the reader, and the
list is the resolver's own (the book rule included). Anything not covered — a field the policy refuses,
a field not in the read model, directives, arguments the resolvers refuse, a summary not of today —
runs through the resolvers, which give the usual answer and errors. ``ACCTGRAPH_COMPILED_READS=false``
turns the projection off.
"""

from __future__ import annotations

import logging
from typing import Any

from graphql import DocumentNode, GraphQLSchema
from sqlalchemy.exc import SQLAlchemyError
from strawberry.schema.config import StrawberryConfig

from acctgraph.graphql.context import RequestContext
from acctgraph.graphql.document_cache import DocumentCache
from acctgraph.graphql.policy import reader_of
from acctgraph.graphql.projection.compiled import CompiledRead, compile_read
from acctgraph.graphql.projection.execution import answer
from acctgraph.graphql.projection.selection import NotCovered
from acctgraph.settings import Settings

__all__ = ["CompiledReads", "NotCovered"]

logger = logging.getLogger(__name__)


class CompiledReads:
    """The compiled reads of one schema: a plan cache (LRU, 256 documents x readers) and their execution."""

    def __init__(self, settings: Settings, config: StrawberryConfig, scalars: Any, size: int = 256) -> None:
        self.settings = settings
        self.config = config
        self.scalars = scalars
        self._plans: DocumentCache[CompiledRead | None] = DocumentCache(size)

    def plan(
        self, schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, context: Any
    ) -> CompiledRead | None:
        """The compiled read for this request's reader, or None when it runs through the resolvers."""
        viewer = getattr(context, "viewer", None)
        if not isinstance(context, RequestContext) or viewer is None:
            return None
        reader = reader_of(viewer)
        return self._plans.get(
            document, (operation_name, reader), lambda: self._compile(schema, document, operation_name, reader)
        )

    def _compile(
        self, schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, reader: Any
    ) -> CompiledRead | None:
        try:
            return compile_read(schema, document, operation_name, reader, self.settings)
        except NotCovered:
            return None
        except Exception:  # a compiler's mistake must cost speed, never an answer
            logger.exception("compiling a read failed; it runs through the resolvers")
            return None

    async def data(
        self,
        read: CompiledRead,
        schema: GraphQLSchema,
        context: RequestContext,
        variables: dict[str, Any] | None,
    ) -> dict[str, Any] | None:
        """The operation's ``data``, or None when this request must run through the resolvers."""
        try:
            return await answer(read, context, schema, self.config, self.scalars, variables)
        except (NotCovered, SQLAlchemyError):
            # The resolvers run next, on a connection of their own in a transaction (the compiled read's
            # ran outside one, or failed).
            await context.db.close()
            return None
        except Exception:  # as in _compile: a mistake here costs speed, never an answer, and is logged
            logger.exception("a compiled read failed; it runs through the resolvers")
            await context.db.close()
            return None
