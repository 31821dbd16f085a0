"""API keys: created for a user, shown once, stored as a SHA-256 hash, checked on every request."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from acctgraph.domain.actors import Actor
from acctgraph.models import ApiKey, User
from acctgraph.models.base import utcnow

TOKEN_PREFIX = "ag_"
LAST_USED_RESOLUTION = timedelta(minutes=1)


class AuthenticationFailed(Exception):
    """The request's credentials are missing, unknown, expired or revoked; the message says which."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_key(
    session: Session, user: User, name: str, expires_at: datetime | None = None, integration: bool = False
) -> tuple[ApiKey, str]:
    """A new key for ``user`` and its token. The token is not stored: give it to the user now."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        user_id=user.id,
        name=name,
        prefix=token[:10],
        token_hash=hash_token(token),
        expires_at=expires_at,
        integration=integration,
    )
    session.add(key)
    session.flush()
    return key, token


def authenticate(session: Session, token: str, now: datetime | None = None) -> Actor:
    """The actor a token stands for. Notes the key's last use at most once a minute, so that reads do not
    write (and wait for a write lock) on every request."""
    now = now or utcnow()
    row = session.execute(
        select(ApiKey, User).join(User, User.id == ApiKey.user_id).where(ApiKey.token_hash == hash_token(token))
    ).first()
    if row is None:
        raise AuthenticationFailed("unknown API key; create one with `acctgraph keys create --user EMAIL`")
    key, user = row
    if key.revoked_at is not None:
        raise AuthenticationFailed(f"API key {key.prefix}... was revoked; ask an admin for a new one")
    if key.expires_at is not None and key.expires_at <= now:
        raise AuthenticationFailed(f"API key {key.prefix}... expired at {key.expires_at.isoformat()}; create a new one")
    if not user.active:
        raise AuthenticationFailed(f"user {user.email} is deactivated")
    if key.last_used_at is None or key.last_used_at < now - LAST_USED_RESOLUTION:
        key.last_used_at = now
    return Actor(user_id=user.id, role=user.role, api_key_id=key.id, integration=key.integration)


def revoke_api_key(session: Session, key: ApiKey) -> None:
    key.revoked_at = key.revoked_at or utcnow()


def replace_api_key(session: Session, user: User, name: str) -> str:
    """A fresh token for ``user`` under ``name``, revoking their earlier keys of that name (one live at a time)."""
    for key in session.scalars(select(ApiKey).where(ApiKey.user_id == user.id, ApiKey.name == name)):
        revoke_api_key(session, key)
    return create_api_key(session, user, name)[1]
