"""Gives every error of a response an ``extensions.code`` from ``ErrorCode``.

Our own errors (``ApiError``) carry theirs; graphql-core and strawberry raise the others (syntax,
validation, the depth/alias/token limits, variables that do not coerce) without one, so they are coded
here by the phase that raised them. Unexpected exceptions are ``INTERNAL_SERVER_ERROR``, and masked.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from graphql import GraphQLError
from strawberry.extensions import MaskErrors, SchemaExtension

from acctgraph.graphql.errors import ApiError, ErrorCode

LIMIT_MESSAGES: tuple[tuple[str, ErrorCode], ...] = (
    ("exceeds maximum operation depth", ErrorCode.QUERY_TOO_DEEP),
    ("aliases found. Allowed", ErrorCode.TOO_MANY_ALIASES),
    ("Document contains more than", ErrorCode.TOO_MANY_TOKENS),
    ("GlobalID", ErrorCode.INVALID_ID),
)
"""What strawberry's limiters and the GlobalID scalar say, and the code it gets (they carry none)."""


def _code(error: GraphQLError, default: ErrorCode) -> ErrorCode:
    for fragment, code in LIMIT_MESSAGES:
        if fragment in error.message:
            return code
    return default


def set_code(error: GraphQLError, code: ErrorCode) -> None:
    error.extensions = {**(error.extensions or {}), "code": code.value}


def tag(errors: Iterable[GraphQLError] | None, default: ErrorCode) -> None:
    """Code each error that has none yet: a known limit by its message, else ``default``."""
    for error in errors or ():
        if not (error.extensions or {}).get("code"):
            code = _code(error, default)
            set_code(error, code)
            if code is ErrorCode.INVALID_ID:
                error.message += " Give the `id` field of an acctgraph object."


def is_internal(error: GraphQLError) -> bool:
    """An unexpected exception (it may carry SQL or secrets), as opposed to the client's own mistakes."""
    original = error.original_error
    return original is not None and not isinstance(original, ApiError | GraphQLError)


def _execution_default(error: GraphQLError) -> ErrorCode:
    """Variables that do not coerce fail before any field, without a path; the rest is the server's fault."""
    if error.path is None:
        return ErrorCode.BAD_USER_INPUT
    return ErrorCode.INTERNAL_SERVER_ERROR


class CodeErrors(SchemaExtension):
    """Codes the errors of each phase as it ends (validation, execution); what is left when the operation
    ends failed to parse (the parser cache raises before the parsing hooks can see it)."""

    def on_operation(self) -> Iterator[None]:
        try:
            yield
        except GraphQLError as error:  # the parser's, raised through the operation
            tag([error], ErrorCode.GRAPHQL_PARSE_FAILED)
            raise
        context = self.execution_context
        parsed = context.graphql_document is not None
        errors = [*(context.pre_execution_errors or ()), *(getattr(context.result, "errors", None) or ())]
        tag(errors, ErrorCode.INTERNAL_SERVER_ERROR if parsed else ErrorCode.GRAPHQL_PARSE_FAILED)

    def on_validate(self) -> Iterator[None]:
        yield
        tag(self.execution_context.pre_execution_errors, ErrorCode.GRAPHQL_VALIDATION_FAILED)

    def on_execute(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        for error in getattr(result, "errors", None) or ():
            if is_internal(error):
                set_code(error, ErrorCode.INTERNAL_SERVER_ERROR)
            else:
                tag([error], _execution_default(error))


class MaskInternalErrors(MaskErrors):
    """strawberry's MaskErrors for unexpected exceptions, keeping the INTERNAL_SERVER_ERROR code."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_internal, error_message="Internal server error")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        set_code(masked, ErrorCode.INTERNAL_SERVER_ERROR)
        return masked
