"""Single sign-on: bearer JWTs from the configured identity provider, verified against its JWKS.

A frontend with SSO sends the provider's token instead of an API key; the token's email claim names
the acctgraph user it acts as. With provisioning on (``ACCTGRAPH_SSO_PROVISION_USERS``), a verified
identity without a user becomes one on its first login, its role read from a claim or the default role.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from acctgraph.domain.actors import Actor
from acctgraph.domain.api_keys import AuthenticationFailed
from acctgraph.domain.users import CreateUser, create_user, run_audited
from acctgraph.models import Role, User

ROLES_BY_PRIVILEGE = (Role.ADMIN, Role.MANAGER, Role.ACCOUNT_MANAGER, Role.VIEWER)

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

    def claims(self, token: str) -> dict[str, Any]:
        """The verified token's claims, with its email claim present. Blocking (may fetch the JWKS): call it
        off the event loop."""
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
        if not isinstance(claims.get(self.email_claim), str):
            raise AuthenticationFailed(f"the token has no {self.email_claim!r} claim to name an acctgraph user")
        return dict(claims)


@dataclass(frozen=True)
class Provisioning:
    """How a first login becomes a user: the claims to read and the role when the claim gives none."""

    default_role: Role = Role.VIEWER
    role_claim: str | None = None
    name_claim: str = "name"

    def role(self, claims: dict[str, Any]) -> Role:
        """The claim's role (a string, or a list of which the most privileged known role wins), else the default."""
        value = claims.get(self.role_claim) if self.role_claim else None
        given = {
            str(item).strip().lower().replace("-", "_") for item in (value if isinstance(value, list) else [value])
        }
        return next((role for role in ROLES_BY_PRIVILEGE if role.value in given), self.default_role)

    def new_user(self, email: str, claims: dict[str, Any]) -> CreateUser:
        name = claims.get(self.name_claim)
        return CreateUser(
            email=email,
            name=name if isinstance(name, str) and name.strip() else email.split("@")[0],
            role=self.role(claims),
        )


def authenticate_email(
    session: Session, email: str, claims: dict[str, Any] | None = None, provisioning: Provisioning | None = None
) -> Actor:
    """The actor for a verified SSO identity: the acctgraph user with that email, created on this first
    login when ``provisioning`` is on (and audited as ``sso provision``); a deactivated user stays out."""
    user = session.scalar(select(User).where(User.email == email.lower()))
    if user is None and provisioning is not None:
        try:
            command = provisioning.new_user(email, claims or {})
        except ValidationError:
            raise AuthenticationFailed(
                f"the token's email {email!r} is not an email address; fix the SSO claim"
            ) from None
        user = _provision(session, command)
    if user is None or not user.active:
        raise AuthenticationFailed(f"{email} is not an active acctgraph user; ask an admin to add you")
    return Actor(user_id=user.id, role=user.role)


def _provision(session: Session, command: CreateUser) -> User:
    try:
        user = run_audited(session, "sso provision", lambda: create_user(session, None, command))
        session.commit()
    except IntegrityError:  # the same person's concurrent first request created them a moment ago
        session.rollback()
        return session.scalars(select(User).where(User.email == command.email)).one()
    return user
