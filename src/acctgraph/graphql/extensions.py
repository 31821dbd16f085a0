"""Schema extensions: the request session's lifetime, the policy, query limits and cost, caches, error codes
and masking."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from graphql import ASTValidationRule
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from acctgraph.graphql.cost import LimitCost
from acctgraph.graphql.document_cache import DocumentCache
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


def limit_rules(settings: Settings) -> list[type[ASTValidationRule]]:
    """The depth and alias limits' validation rules, made once: strawberry's limiters make a new rule class
    per instance, so limiters made per operation never hit the ``ValidationCache`` (keyed by the rules)
    and every request validated its document again (a fifth of a request's CPU)."""
    depth = QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules
    aliases = MaxAliasesLimiter(max_alias_count=settings.max_query_aliases).validation_rules
    return [*depth, *aliases]


def schema_extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """Factories, so every operation gets fresh extension instances (sharing what need not be fresh)."""
    rules = limit_rules(settings)
    costs: DocumentCache[int | None] = DocumentCache()
    extensions: list[Callable[[], SchemaExtension]] = [
        *tracing_extensions(settings),
        NameOperation,
        CloseSession,
        CodeErrors,
        EnforcePolicy,
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        lambda: AddValidationRules(rules),
        lambda: MaxTokensLimiter(max_token_count=settings.max_query_tokens),
        RefuseNulCharacters,
        lambda: LimitCost(settings, costs),
    ]
    if not settings.debug:
        extensions.append(MaskInternalErrors)
    return extensions
