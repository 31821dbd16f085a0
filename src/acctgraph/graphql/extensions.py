"""Schema extensions: the request session's lifetime, the policy, query limits and cost, caches, error codes
and masking."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from acctgraph.graphql.cost import LimitCost
from acctgraph.graphql.error_codes import CodeErrors, MaskInternalErrors
from acctgraph.graphql.input_checks import RefuseNulCharacters
from acctgraph.graphql.policy import EnforcePolicy
from acctgraph.observability.graphql import NameOperation
from acctgraph.observability.tracing import tracing_extensions
from acctgraph.settings import Settings


class CloseSession(SchemaExtension):
    """Return the request's database connection to the pool when the operation ends."""

    async def on_operation(self) -> AsyncIterator[None]:  # type: ignore[override]
        yield
        context = self.execution_context.context
        if context is not None:
            await context.db.close()


def schema_extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """Factories, so every operation gets fresh extension instances."""
    extensions: list[Callable[[], SchemaExtension]] = [
        *tracing_extensions(settings),
        NameOperation,
        CloseSession,
        CodeErrors,
        EnforcePolicy,
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        lambda: QueryDepthLimiter(max_depth=settings.max_query_depth),
        lambda: MaxTokensLimiter(max_token_count=settings.max_query_tokens),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_query_aliases),
        RefuseNulCharacters,
        lambda: LimitCost(settings),
    ]
    if not settings.debug:
        extensions.append(MaskInternalErrors)
    return extensions
