"""Every GraphQL operation needs a bearer token; only GraphiQL's page itself is served anonymously.

Resolves ``Authorization: Bearer <token>`` to an ``Actor``, or the view (``graphql.http``) answers 401
with a JSON body in GraphQL's error shape. Websockets send the same header value in
``connection_init``'s payload.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import anyio
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.responses import JSONResponse

from acctgraph.domain import api_keys
from acctgraph.domain.actors import Actor
from acctgraph.domain.api_keys import TOKEN_PREFIX, AuthenticationFailed, VerifiedKey, hash_token, verify_api_key
from acctgraph.domain.single_sign_on import JwtVerifier, Provisioning, authenticate_email
from acctgraph.graphql.error_responses import error_response
from acctgraph.graphql.errors import Unauthenticated
from acctgraph.graphql.media_types import response_media_type
from acctgraph.graphql.recent import Recent
from acctgraph.models import Role
from acctgraph.models.base import utcnow
from acctgraph.settings import Settings

IDE_HINT = 'In GraphiQL, paste it in the Headers tab: {"Authorization": "Bearer ag_..."}.'


def wants_ide(method: str, query_params: Mapping[str, Any], headers: Mapping[str, str]) -> bool:
    """GraphiQL's page: a browser GET with no operation in it (neither a query nor a persisted query's
    hash). Any operation, GET or POST, needs a key."""
    return (
        method == "GET"
        and not query_params.get("query")
        and not query_params.get("extensions")
        and "text/html" in headers.get("accept", "")
    )


def bearer_token(header: str) -> str:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationFailed(f"send an API key as `Authorization: Bearer <key>`. {IDE_HINT}")
    return token.strip()


def unauthorized(message: str, accept: str | None = None) -> JSONResponse:
    return error_response(
        Unauthenticated(message),
        401,
        response_media_type(accept),
        headers={"WWW-Authenticate": 'Bearer realm="acctgraph"'},
    )


class VerifiedKeys:
    """Keys verified in the last ``seconds``, by token hash, so that a client's every request does not
    SELECT (and COMMIT) its key again.

    The window is the price: a key revoked, or a user deactivated or given another role, by another
    process (the CLI, another worker) keeps its old rights for up to ``seconds`` here; in this process
    any such commit empties the cache at once (``api_keys.credentials_version``). An entry never outlives
    its key's expiry."""

    def __init__(self, seconds: float, size: int = 4096, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self._version = api_keys.credentials_version
        self._entries: Recent[str, tuple[float, datetime | None, Actor]] = Recent(size)

    def get(self, token_hash: str) -> Actor | None:
        if self._version != api_keys.credentials_version:
            self._entries.clear()
            self._version = api_keys.credentials_version
        entry = self._entries.get(token_hash)
        if entry is None:
            return None
        until, expires_at, actor = entry
        if self.clock() >= until or (expires_at is not None and expires_at <= utcnow()):
            self._entries.pop(token_hash)
            return None
        return actor

    def remember(self, token_hash: str, verified: VerifiedKey, version: int) -> None:
        """Keep ``verified`` unless credentials changed (``version``) while it was being verified."""
        if self.seconds <= 0 or version != api_keys.credentials_version:
            return
        self._entries.put(token_hash, (self.clock() + self.seconds, verified.expires_at, verified.actor))


class Authenticator:
    """Resolves an ``Authorization`` header value to an ``Actor``: API keys (``ag_...``), and SSO JWTs
    when configured; raises ``AuthenticationFailed`` saying what to send."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], settings: Settings) -> None:
        self.sessions = sessions
        self.verified = VerifiedKeys(settings.api_key_cache_seconds)
        self.jwt = (
            JwtVerifier(settings.jwt_issuer, settings.jwt_jwks_url, settings.jwt_audience, settings.jwt_email_claim)
            if settings.jwt_issuer and settings.jwt_jwks_url
            else None
        )
        self.provisioning = (
            Provisioning(Role(settings.sso_default_role), settings.sso_role_claim, settings.sso_name_claim)
            if settings.sso_provision_users
            else None
        )

    async def actor(self, authorization: str) -> Actor:
        token = bearer_token(authorization)
        if token.startswith(TOKEN_PREFIX) or self.jwt is None:
            return await self._api_key(token)
        claims = await anyio.to_thread.run_sync(self.jwt.claims, token)
        email = claims[self.jwt.email_claim]
        async with self.sessions() as session:
            return await session.run_sync(lambda sync: authenticate_email(sync, email, claims, self.provisioning))

    async def _api_key(self, token: str) -> Actor:
        """From the cache, or one SELECT; a COMMIT only when the key's last use is noted (once a minute)."""
        token_hash = hash_token(token)
        actor = self.verified.get(token_hash)
        if actor is not None:
            return actor
        version = api_keys.credentials_version
        async with self.sessions() as session:
            verified = await session.run_sync(lambda sync: verify_api_key(sync, token))
            if verified.noted_use:
                await session.commit()
        self.verified.remember(token_hash, verified, version)
        return verified.actor
