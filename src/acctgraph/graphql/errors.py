"""GraphQL errors with a machine-readable code and a message that says what to fix."""

from __future__ import annotations

from graphql import GraphQLError


class ApiError(GraphQLError):
    """An error the client caused; shown as is, with ``extensions.code``."""

    code = "BAD_REQUEST"

    def __init__(self, message: str) -> None:
        super().__init__(message, extensions={"code": self.code})


class InvalidArgument(ApiError):
    code = "BAD_USER_INPUT"


class InvalidCursor(ApiError):
    code = "INVALID_CURSOR"


class InvalidId(ApiError):
    code = "INVALID_ID"


class NotFound(ApiError):
    code = "NOT_FOUND"


class Unauthenticated(ApiError):
    code = "UNAUTHENTICATED"


class Forbidden(ApiError):
    code = "FORBIDDEN"


class MethodNotAllowed(ApiError):
    code = "METHOD_NOT_ALLOWED"


class BadRequestBody(ApiError):
    code = "BAD_REQUEST_BODY"


class RequestTooLarge(ApiError):
    code = "REQUEST_TOO_LARGE"


class RequestTimeout(ApiError):
    code = "REQUEST_TIMEOUT"


class PersistedQueryNotFound(ApiError):
    code = "PERSISTED_QUERY_NOT_FOUND"


class PersistedQueryMismatch(ApiError):
    code = "PERSISTED_QUERY_HASH_MISMATCH"
