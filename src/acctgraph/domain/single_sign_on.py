"""Single sign-on: bearer JWTs from the configured identity provider, verified against its JWKS.

A frontend with SSO sends the provider's token instead of an API key; the token's email claim names
the acctgraph user it acts as.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from sqlalchemy import select
from sqlalchemy.orm import Session

from acctgraph.domain.actors import Actor
from acctgraph.domain.api_keys import AuthenticationFailed
from acctgraph.models import User

ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"]


@dataclass
class JwtVerifier:
    """Verifies signature, issuer, audience and expiry. ``jwks_location`` is an http(s) URL (fetched and
    cached) or the path of a JWKS file (read once)."""

    issuer: str
    jwks_location: str
    audience: str | None = None
    email_claim: str = "email"

    def __post_init__(self) -> None:
        remote = self.jwks_location.startswith(("https://", "http://"))
        self._client = (
            jwt.PyJWKClient(self.jwks_location, cache_keys=True, lifespan=600, timeout=10) if remote else None
        )
        self._file_keys = None if remote else jwt.PyJWKSet.from_json(Path(self.jwks_location).read_text())

    def _signing_key(self, token: str) -> Any:
        if self._client is not None:
            return self._client.get_signing_key_from_jwt(token).key
        kid = jwt.get_unverified_header(token).get("kid")
        for key in self._file_keys.keys if self._file_keys else []:
            if kid is None or key.key_id == kid:
                return key.key
        raise AuthenticationFailed(f"no key {kid!r} in the JWKS file {self.jwks_location}")

    def email(self, token: str) -> str:
        """The verified token's email claim. Blocking (may fetch the JWKS): call it off the event loop."""
        try:
            claims = jwt.decode(
                token,
                self._signing_key(token),
                algorithms=ALGORITHMS,
                issuer=self.issuer,
                audience=self.audience,
                options={"require": ["exp", "iss"], "verify_aud": self.audience is not None},
            )
        except jwt.PyJWKClientError as error:
            raise AuthenticationFailed(
                f"cannot check the token's signature ({error}); check ACCTGRAPH_JWT_JWKS_URL"
            ) from None
        except jwt.InvalidTokenError as error:
            raise AuthenticationFailed(f"invalid bearer token: {error}") from None
        email = claims.get(self.email_claim)
        if not isinstance(email, str):
            raise AuthenticationFailed(f"the token has no {self.email_claim!r} claim to name an acctgraph user")
        return email


def authenticate_email(session: Session, email: str) -> Actor:
    """The actor for a verified SSO identity: an active acctgraph user with that email."""
    user = session.scalar(select(User).where(User.email == email.lower()))
    if user is None or not user.active:
        raise AuthenticationFailed(f"{email} is not an active acctgraph user; ask an admin to add you")
    return Actor(user_id=user.id, role=user.role)
