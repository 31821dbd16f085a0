"""Which media type a GraphQL response is sent as, from the request's ``Accept`` header.

The GraphQL-over-HTTP spec: ``application/graphql-response+json`` when the client accepts it (then
request errors, a document that does not parse or validate or variables that do not coerce, get HTTP
400 and no ``data``), else the legacy ``application/json`` (always 200 once the request is executed).
A missing ``Accept``, ``*/*`` and ``application/*`` mean ``application/json``.
"""

from __future__ import annotations

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"

_ACCEPTED = {GRAPHQL_RESPONSE_JSON: GRAPHQL_RESPONSE_JSON, JSON: JSON, "application/*": JSON, "*/*": JSON}


def response_media_type(accept: str | None) -> str:
    """The accepted media type with the highest quality; on a tie the one listed first."""
    best, best_quality = JSON, 0.0
    for entry in (accept or "").split(","):
        media_range, *parameters = (part.strip() for part in entry.split(";"))
        media_type = _ACCEPTED.get(media_range.lower())
        quality = _quality(parameters)
        if media_type is not None and quality > best_quality:
            best, best_quality = media_type, quality
    return best


def _quality(parameters: list[str]) -> float:
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0
