"""API keys: created for a user, shown once, stored as a SHA-256 hash, checked on every request."""

from __future__ import annotations

import hashlib
import itertools
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, UOWTransaction

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


@dataclass(frozen=True)
class VerifiedKey:
    """A token's actor, until when the key is valid (None: no expiry), and whether its last use was noted
    (the session then has a write to commit)."""

    actor: Actor
    expires_at: datetime | None
    noted_use: bool


def authenticate(session: Session, token: str, now: datetime | None = None) -> Actor:
    """The actor a token stands for (see :func:`verify_api_key`)."""
    return verify_api_key(session, token, now).actor


def verify_api_key(session: Session, token: str, now: datetime | None = None) -> VerifiedKey:
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
    noted_use = key.last_used_at is None or key.last_used_at < now - LAST_USED_RESOLUTION
    if noted_use:
        key.last_used_at = now
    actor = Actor(user_id=user.id, role=user.role, api_key_id=key.id, integration=key.integration)
    return VerifiedKey(actor, key.expires_at, noted_use)


def revoke_api_key(session: Session, key: ApiKey) -> None:
    key.revoked_at = key.revoked_at or utcnow()


def replace_api_key(session: Session, user: User, name: str) -> str:
    """A fresh token for ``user`` under ``name``, revoking their earlier keys of that name (one live at a time)."""
    for key in session.scalars(select(ApiKey).where(ApiKey.user_id == user.id, ApiKey.name == name)):
        revoke_api_key(session, key)
    return create_api_key(session, user, name)[1]


_credential_changes = itertools.count(1)
credentials_version = 0
"""Bumped when this process commits a change to a key or a user (revoked, deactivated, role changed):
caches of verified keys (``graphql.authentication``) drop what they verified before."""
CHANGES_CREDENTIALS = "acctgraph.credentials_changed"


CREDENTIAL_COLUMNS: dict[type, tuple[str, ...]] = {
    ApiKey: ("revoked_at", "expires_at", "integration", "user_id", "token_hash"),
    User: ("role", "active"),
}
"""What, changed, changes what a key may do (a key's last use does not)."""


def _changes_credentials(row: Any) -> bool:
    columns = CREDENTIAL_COLUMNS.get(type(row))
    if columns is None:
        return False  # most flushed rows: not inspected (this runs after every flush of every session)
    state = inspect(row)
    return any(state.attrs[column].history.has_changes() for column in columns)


@event.listens_for(Session, "after_flush")
def _note_credential_writes(session: Session, _flush_context: UOWTransaction) -> None:
    deleted = any(isinstance(row, ApiKey | User) for row in session.deleted)
    if deleted or any(_changes_credentials(row) for row in session.dirty):
        session.info[CHANGES_CREDENTIALS] = True


@event.listens_for(Session, "after_commit")
def _bump_credentials_version(session: Session) -> None:
    global credentials_version
    if session.info.pop(CHANGES_CREDENTIALS, False):
        credentials_version = next(_credential_changes)


@event.listens_for(Session, "after_soft_rollback")
def _forget_credential_writes(session: Session, _previous_transaction: Any) -> None:
    session.info.pop(CHANGES_CREDENTIALS, None)
