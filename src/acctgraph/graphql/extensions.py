"""Schema extensions: the request session's lifetime, query limits, caches and error masking."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from graphql import GraphQLError
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from acctgraph.graphql.errors import ApiError
from acctgraph.settings import Settings


class CloseSession(SchemaExtension):
    """Return the request's database connection to the pool when the operation ends."""

    async def on_operation(self) -> AsyncIterator[None]:  # type: ignore[override]
        yield
        context = self.execution_context.context
        if context is not None:
            await context.db.close()


def _is_internal(error: GraphQLError) -> bool:
    """Mask unexpected exceptions (they may carry SQL or secrets); show the client's own mistakes."""
    original = error.original_error
    return original is not None and not isinstance(original, ApiError | GraphQLError)


def schema_extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """Factories, so every operation gets fresh extension instances."""
    extensions: list[Callable[[], SchemaExtension]] = [
        CloseSession,
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        lambda: QueryDepthLimiter(max_depth=settings.max_query_depth),
        lambda: MaxTokensLimiter(max_token_count=settings.max_query_tokens),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_query_aliases),
    ]
    if not settings.debug:
        extensions.append(lambda: MaskErrors(should_mask_error=_is_internal, error_message="Internal server error"))
    return extensions
