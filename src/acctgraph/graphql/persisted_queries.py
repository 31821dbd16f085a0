"""Apollo's automatic persisted queries (APQ): a client sends a query's SHA-256 instead of its text.

The protocol (what Apollo Client's ``PersistedQueryLink`` speaks): a request whose
``extensions.persistedQuery`` is ``{"version": 1, "sha256Hash": "<hex>"}`` and no ``query`` is run
from the cache; an unknown hash answers the error ``PersistedQueryNotFound`` (code
``PERSISTED_QUERY_NOT_FOUND``), and the client sends the hash again *with* the query, which is checked
against the hash and remembered. The cache is per process and bounded (least recently used go): a
worker that never saw a hash simply answers "not found" once and the client falls back.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from strawberry.http import GraphQLRequestData

from acctgraph.graphql.errors import InvalidArgument, PersistedQueryMismatch, PersistedQueryNotFound
from acctgraph.graphql.recent import Recent


class PersistedQueries:
    """A bounded map from SHA-256 hex digests to query documents."""

    def __init__(self, size: int) -> None:
        self._queries: Recent[str, str] = Recent(size)

    def resolve(self, request: GraphQLRequestData) -> GraphQLRequestData:
        """The request with its query filled in from the cache, or remembered; raises the APQ errors."""
        persisted = (request.extensions or {}).get("persistedQuery")
        if persisted is None:
            return request
        digest = _digest(persisted)
        if request.query is None:
            query = self._queries.get(digest)
            if query is None:
                raise PersistedQueryNotFound("PersistedQueryNotFound")
            return replace(request, query=query)
        if hashlib.sha256(request.query.encode()).hexdigest() != digest:
            raise PersistedQueryMismatch("provided sha256Hash does not match the query")
        self._queries.put(digest, request.query)
        return request


def _digest(persisted: object) -> str:
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise InvalidArgument("extensions.persistedQuery must be {version: 1, sha256Hash: <hex digest>}")
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or len(digest) != 64:
        raise InvalidArgument("extensions.persistedQuery.sha256Hash must be a SHA-256 hex digest")
    return digest.lower()
