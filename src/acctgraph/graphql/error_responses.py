"""HTTP responses that carry one error in GraphQL's error shape, for requests refused before execution."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.responses import JSONResponse

from acctgraph.graphql.errors import ApiError
from acctgraph.graphql.media_types import JSON


def error_response(
    error: ApiError, status_code: int, media_type: str = JSON, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """``{"errors": [{"message", "extensions": {"code"}}]}`` with ``status_code``; no ``data``, nothing ran."""
    body = {"errors": [error.formatted]}
    return JSONResponse(body, status_code=status_code, media_type=media_type, headers=headers)
