"""The one enum of error codes, and GraphQL errors that carry one in ``extensions.code``.

Every error of a response carries a code from ``ErrorCode`` (``codes.tag_errors`` fills in those that
graphql-core and strawberry raise without one), and ``UserError.code`` is the same enum, so a client
switches on one documented list (docs/api.md, "Error codes").
"""

from __future__ import annotations

import enum

import strawberry
from graphql import GraphQLError


@strawberry.enum(description="What went wrong, for a program to act on; the message says it for a person.")
class ErrorCode(enum.Enum):
    # Request-level errors (`errors[].extensions.code`).
    GRAPHQL_PARSE_FAILED = strawberry.enum_value(
        "GRAPHQL_PARSE_FAILED", description="The document is not valid GraphQL syntax."
    )
    GRAPHQL_VALIDATION_FAILED = strawberry.enum_value(
        "GRAPHQL_VALIDATION_FAILED", description="The document does not match the schema (unknown field, wrong type)."
    )
    QUERY_TOO_DEEP = strawberry.enum_value("QUERY_TOO_DEEP", description="Fields nested deeper than the depth limit.")
    TOO_MANY_ALIASES = strawberry.enum_value("TOO_MANY_ALIASES", description="More aliases than the alias limit.")
    TOO_MANY_TOKENS = strawberry.enum_value("TOO_MANY_TOKENS", description="A document longer than the token limit.")
    QUERY_TOO_COSTLY = strawberry.enum_value(
        "QUERY_TOO_COSTLY", description="The query may return more objects than the cost budget; nothing ran."
    )
    UNAUTHENTICATED = strawberry.enum_value("UNAUTHENTICATED", description="No valid API key or token was sent.")
    FORBIDDEN = strawberry.enum_value("FORBIDDEN", description="The caller's role or key may not read or do this.")
    BAD_USER_INPUT = strawberry.enum_value(
        "BAD_USER_INPUT", description="An argument or variable is invalid: the message says which and why."
    )
    INVALID_ID = strawberry.enum_value("INVALID_ID", description="Not a global id, or the id of another type.")
    INVALID_CURSOR = strawberry.enum_value("INVALID_CURSOR", description="A cursor not from this list and order.")
    NOT_FOUND = strawberry.enum_value("NOT_FOUND", description="No object with this id (or it was deleted).")
    BAD_REQUEST = strawberry.enum_value(
        "BAD_REQUEST", description="Not a request this server takes, e.g. more batched operations than allowed."
    )
    METHOD_NOT_ALLOWED = strawberry.enum_value(
        "METHOD_NOT_ALLOWED", description="GraphQL over HTTP takes GET (queries only) or POST."
    )
    BAD_REQUEST_BODY = strawberry.enum_value(
        "BAD_REQUEST_BODY", description="The body is not a JSON object in UTF-8 with a `query` string."
    )
    REQUEST_TOO_LARGE = strawberry.enum_value("REQUEST_TOO_LARGE", description="The body is over the size limit.")
    REQUEST_TIMEOUT = strawberry.enum_value(
        "REQUEST_TIMEOUT", description="The request ran past the time limit and was stopped; nothing was written."
    )
    PERSISTED_QUERY_NOT_FOUND = strawberry.enum_value(
        "PERSISTED_QUERY_NOT_FOUND", description="The persisted query's hash is unknown: send the query with it."
    )
    PERSISTED_QUERY_HASH_MISMATCH = strawberry.enum_value(
        "PERSISTED_QUERY_HASH_MISMATCH", description="The query sent does not have the hash sent with it."
    )
    PERIOD_IN_FUTURE = strawberry.enum_value(
        "PERIOD_IN_FUTURE", description="A revenue period that starts after today: nothing in it is measured yet."
    )
    MISSING_EXCHANGE_RATE = strawberry.enum_value(
        "MISSING_EXCHANGE_RATE", description="An amount in a currency with no exchange rate in force that day."
    )
    SERVER_MISCONFIGURED = strawberry.enum_value(
        "SERVER_MISCONFIGURED", description="A server configuration file is invalid; an administrator must fix it."
    )
    INTERNAL_SERVER_ERROR = strawberry.enum_value(
        "INTERNAL_SERVER_ERROR", description="A fault of the server, logged there; retrying may help."
    )
    # Mutation failures (`userErrors[].code`): nothing was changed.
    INVALID = strawberry.enum_value("INVALID", description="An input value fails validation (type, range, format).")
    STALE_VERSION = strawberry.enum_value(
        "STALE_VERSION", description="Someone changed the object since you read it; read it again and retry."
    )
    REQUIRED = strawberry.enum_value("REQUIRED", description="A value that cannot be cleared or must be given.")
    DUPLICATE = strawberry.enum_value("DUPLICATE", description="The same item is listed twice.")
    ARCHIVED = strawberry.enum_value("ARCHIVED", description="The account is archived and can no longer change.")
    CLOSED = strawberry.enum_value("CLOSED", description="The opportunity is closed and can no longer change.")
    CYCLE = strawberry.enum_value("CYCLE", description="The change would make a hierarchy loop back on itself.")
    DUPLICATE_RUN = strawberry.enum_value(
        "DUPLICATE_RUN", description="That playbook already ran for this account and trigger."
    )
    NOT_LATER = strawberry.enum_value("NOT_LATER", description="The new date must be later than the current one.")
    NO_OWNER = strawberry.enum_value(
        "NO_OWNER", description="No one fills the step's owner role for this account (no owner, or no manager)."
    )
    TASK_CLOSED = strawberry.enum_value(
        "TASK_CLOSED", description="The task is done or cancelled and can no longer change."
    )
    UNKNOWN_PLAYBOOK = strawberry.enum_value("UNKNOWN_PLAYBOOK", description="No playbook of that key is configured.")
    VIEWER_OWNER = strawberry.enum_value(
        "VIEWER_OWNER", description="Viewers cannot own tasks; pick an account manager or a manager."
    )
    EMAIL_TAKEN = strawberry.enum_value("EMAIL_TAKEN", description="Another user already has this e-mail address.")
    LAST_ADMIN = strawberry.enum_value(
        "LAST_ADMIN", description="The change would leave no active admin; make another user admin first."
    )
    ILLEGAL_TRANSITION = strawberry.enum_value(
        "ILLEGAL_TRANSITION", description="The object's status cannot change this way."
    )
    ALREADY_OWNER = strawberry.enum_value("ALREADY_OWNER", description="The account already has this owner.")
    APPROVER_REQUIRED = strawberry.enum_value(
        "APPROVER_REQUIRED", description="The change needs an approver with the right role."
    )
    CURRENCY_REQUIRED = strawberry.enum_value(
        "CURRENCY_REQUIRED", description="An amount was given without its currency."
    )
    DOMAIN_TAKEN = strawberry.enum_value("DOMAIN_TAKEN", description="Another account already has this domain.")
    EMPTY_QUOTE = strawberry.enum_value("EMPTY_QUOTE", description="A quote with no priced line.")
    INACTIVE = strawberry.enum_value("INACTIVE", description="The contact or user is deactivated.")
    INACTIVE_OWNER = strawberry.enum_value("INACTIVE_OWNER", description="The new owner is deactivated.")
    INVALID_OWNER = strawberry.enum_value("INVALID_OWNER", description="The user cannot own accounts.")
    INVALID_DATE = strawberry.enum_value("INVALID_DATE", description="A date outside the range the rule allows.")
    INVALID_KIND = strawberry.enum_value("INVALID_KIND", description="An activity kind this mutation cannot log.")
    INVALID_PERIOD = strawberry.enum_value("INVALID_PERIOD", description="A period that ends before it starts.")
    INVALID_STAGE = strawberry.enum_value("INVALID_STAGE", description="A stage this opportunity cannot move to.")
    IN_FUTURE = strawberry.enum_value("IN_FUTURE", description="A date in the future where a past one is needed.")
    IN_PAST = strawberry.enum_value("IN_PAST", description="A date in the past where a future one is needed.")
    NOT_A_GOAL = strawberry.enum_value("NOT_A_GOAL", description="The plan item is not a goal of this account.")
    NOT_ATTENDEE = strawberry.enum_value("NOT_ATTENDEE", description="The contact did not attend the activity.")
    NOT_EDITABLE = strawberry.enum_value("NOT_EDITABLE", description="The object can no longer be edited.")
    NOT_SCHEDULED_QBR = strawberry.enum_value("NOT_SCHEDULED_QBR", description="Only a scheduled QBR can be completed.")
    NOT_STRATEGIC = strawberry.enum_value("NOT_STRATEGIC", description="The account is not strategic.")
    OTHER_ACCOUNT = strawberry.enum_value("OTHER_ACCOUNT", description="The referenced object is another account's.")
    REASON_REQUIRED = strawberry.enum_value("REASON_REQUIRED", description="The change needs a reason.")
    SAME_STAGE = strawberry.enum_value("SAME_STAGE", description="The opportunity is already in this stage.")
    CHURN_REASON_REQUIRED = strawberry.enum_value(
        "CHURN_REASON_REQUIRED", description="A lost renewal needs a churn reason from the taxonomy (churnReasons)."
    )
    UNKNOWN_CHURN_REASON = strawberry.enum_value(
        "UNKNOWN_CHURN_REASON", description="Not a key of the churn reason taxonomy (churnReasons)."
    )
    DUPLICATE_PROMOTION = strawberry.enum_value(
        "DUPLICATE_PROMOTION", description="The account already has this promotion (same name) in that month."
    )
    TRANSFER_PENDING = strawberry.enum_value(
        "TRANSFER_PENDING", description="The account already has a transfer waiting for its day."
    )
    ENDPOINT_DISABLED = strawberry.enum_value(
        "ENDPOINT_DISABLED", description="The webhook endpoint is disabled; re-enable it (active: true) first."
    )


def error_code(code: str) -> ErrorCode:
    """The enum member of a domain rule's code; an unlisted code (a test keeps the list complete) reads
    as INVALID rather than failing the response."""
    return ErrorCode.__members__.get(code, ErrorCode.INVALID)


class ApiError(GraphQLError):
    """An error the client caused; shown as is, with ``extensions.code``."""

    code = ErrorCode.BAD_REQUEST

    def __init__(self, message: str) -> None:
        super().__init__(message, extensions={"code": self.code.value})


class InvalidArgument(ApiError):
    code = ErrorCode.BAD_USER_INPUT


class InvalidCursor(ApiError):
    code = ErrorCode.INVALID_CURSOR


class InvalidId(ApiError):
    code = ErrorCode.INVALID_ID


class NotFound(ApiError):
    code = ErrorCode.NOT_FOUND


class Unauthenticated(ApiError):
    code = ErrorCode.UNAUTHENTICATED


class Forbidden(ApiError):
    code = ErrorCode.FORBIDDEN


class QueryTooCostly(ApiError):
    code = ErrorCode.QUERY_TOO_COSTLY


class MethodNotAllowed(ApiError):
    code = ErrorCode.METHOD_NOT_ALLOWED


class BadRequestBody(ApiError):
    code = ErrorCode.BAD_REQUEST_BODY


class RequestTooLarge(ApiError):
    code = ErrorCode.REQUEST_TOO_LARGE


class RequestTimeout(ApiError):
    code = ErrorCode.REQUEST_TIMEOUT


class PersistedQueryNotFound(ApiError):
    code = ErrorCode.PERSISTED_QUERY_NOT_FOUND


class PersistedQueryMismatch(ApiError):
    code = ErrorCode.PERSISTED_QUERY_HASH_MISMATCH
