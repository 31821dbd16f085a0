"""Every GraphQL operation needs a bearer token; only GraphiQL's page itself is served anonymously.

Wraps the GraphQL ASGI app: resolves ``Authorization: Bearer <token>`` to an ``Actor`` (stored in the
request's state for the context) or answers 401 with a JSON body in GraphQL's error shape.
"""

from __future__ import annotations

from typing import Any

import anyio
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from acctgraph.domain.actors import Actor
from acctgraph.domain.api_keys import TOKEN_PREFIX, AuthenticationFailed, authenticate
from acctgraph.domain.single_sign_on import JwtVerifier, authenticate_email
from acctgraph.settings import Settings

IDE_HINT = 'In GraphiQL, paste it in the Headers tab: {"Authorization": "Bearer ag_..."}.'


def _wants_ide(request: Request) -> bool:
    """GraphiQL's page: a browser GET without a query. Any operation, GET or POST, needs a key."""
    return (
        request.method == "GET"
        and "query" not in request.query_params
        and "text/html" in request.headers.get("accept", "")
    )


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationFailed(f"send an API key as `Authorization: Bearer <key>`. {IDE_HINT}")
    return token.strip()


def unauthorized(message: str) -> JSONResponse:
    body = {"errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}], "data": None}
    return JSONResponse(body, status_code=401, headers={"WWW-Authenticate": 'Bearer realm="acctgraph"'})


class RequireBearer:
    """ASGI middleware for the GraphQL endpoint: API keys (``ag_...``), and SSO JWTs when configured."""

    def __init__(self, app: ASGIApp, sessions: async_sessionmaker[AsyncSession], settings: Settings) -> None:
        self.app = app
        self.sessions = sessions
        self.jwt = (
            JwtVerifier(settings.jwt_issuer, settings.jwt_jwks_url, settings.jwt_audience, settings.jwt_email_claim)
            if settings.jwt_issuer and settings.jwt_jwks_url
            else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        if not _wants_ide(request):
            try:
                scope.setdefault("state", {})["actor"] = await self.actor(request)
            except AuthenticationFailed as failure:
                await unauthorized(str(failure))(scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def actor(self, request: Request) -> Actor:
        token = bearer_token(request)
        if token.startswith(TOKEN_PREFIX) or self.jwt is None:
            async with self.sessions() as session:
                actor = await session.run_sync(lambda sync: authenticate(sync, token))
                await session.commit()
            return actor
        email = await anyio.to_thread.run_sync(self.jwt.email, token)
        async with self.sessions() as session:
            return await session.run_sync(lambda sync: authenticate_email(sync, email))


def request_actor(request: Any) -> Actor | None:
    return getattr(request.state, "actor", None) if request is not None else None
