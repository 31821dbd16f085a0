"""Every GraphQL operation needs a bearer token; only GraphiQL's page itself is served anonymously.

Resolves ``Authorization: Bearer <token>`` to an ``Actor``, or the view (``graphql.http``) answers 401
with a JSON body in GraphQL's error shape. Websockets send the same header value in
``connection_init``'s payload.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import anyio
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.responses import JSONResponse

from acctgraph.domain.actors import Actor
from acctgraph.domain.api_keys import TOKEN_PREFIX, AuthenticationFailed, authenticate
from acctgraph.domain.single_sign_on import JwtVerifier, Provisioning, authenticate_email
from acctgraph.graphql.error_responses import error_response
from acctgraph.graphql.errors import Unauthenticated
from acctgraph.graphql.media_types import response_media_type
from acctgraph.models import Role
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


class Authenticator:
    """Resolves an ``Authorization`` header value to an ``Actor``: API keys (``ag_...``), and SSO JWTs
    when configured; raises ``AuthenticationFailed`` saying what to send."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], settings: Settings) -> None:
        self.sessions = sessions
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
            async with self.sessions() as session:
                actor = await session.run_sync(lambda sync: authenticate(sync, token))
                await session.commit()
            return actor
        claims = await anyio.to_thread.run_sync(self.jwt.claims, token)
        email = claims[self.jwt.email_claim]
        async with self.sessions() as session:
            return await session.run_sync(lambda sync: authenticate_email(sync, email, claims, self.provisioning))
