"""Which accounts a figure covers: all, one owner's book, a manager's whole team, or a segment.

Scopes use today's ownership: a metric for a past period covers the accounts the owner holds now.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import CTE, Select, select
from sqlalchemy.orm import Session

from acctgraph.models import Account, Segment, User


class ScopeError(ValueError):
    """A scope that names a missing user or lacks what its kind needs; the message says which."""


class UnknownUser(ScopeError):
    """A scope or a query names a user that does not exist."""


class ScopeKind(enum.StrEnum):
    ALL = "all"
    OWNER = "owner"
    TEAM = "team"
    SEGMENT = "segment"


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind = ScopeKind.ALL
    user_id: int | None = None
    segment: Segment | None = None

    @classmethod
    def everything(cls) -> Scope:
        return cls()

    @classmethod
    def owner(cls, user_id: int) -> Scope:
        return cls(ScopeKind.OWNER, user_id=user_id)

    @classmethod
    def team(cls, manager_id: int) -> Scope:
        return cls(ScopeKind.TEAM, user_id=manager_id)

    @classmethod
    def of_segment(cls, segment: Segment) -> Scope:
        return cls(ScopeKind.SEGMENT, segment=segment)


def team_members(manager_id: int) -> CTE:
    """The manager and everyone reporting to them, directly or not (a recursive CTE, SQLite and PostgreSQL)."""
    team = select(User.id.label("user_id")).where(User.id == manager_id).cte("team", recursive=True)
    return team.union_all(select(User.id).where(User.manager_id == team.c.user_id))


def account_ids(scope: Scope, with_deleted: bool = False) -> Select[int]:
    """SELECT the ids of the accounts in ``scope``. Accounts deleted upstream are left out unless
    ``with_deleted``: history (revenue movements) keeps them, for the days before their deletion."""
    query = select(Account.id)
    if not with_deleted:
        query = query.where(Account.deleted_at.is_(None))
    if scope.kind is ScopeKind.OWNER:
        return query.where(Account.owner_id == scope.user_id)
    if scope.kind is ScopeKind.TEAM:
        assert scope.user_id is not None
        return query.where(Account.owner_id.in_(select(team_members(scope.user_id).c.user_id)))
    if scope.kind is ScopeKind.SEGMENT:
        return query.where(Account.segment == scope.segment)
    return query


def require_user(session: Session, user_id: int) -> User:
    """The user, or :class:`UnknownUser` saying which id was not found."""
    user = session.get(User, user_id)
    if user is None:
        raise UnknownUser(f"no user with id {user_id}; pick one from the users list")
    return user


def check_scope(session: Session, scope: Scope) -> None:
    """Fail early on a scope naming a missing user, rather than answering with zeros."""
    if scope.kind in (ScopeKind.OWNER, ScopeKind.TEAM):
        if scope.user_id is None:
            raise ScopeError(f"a {scope.kind} scope needs a user id")
        require_user(session, scope.user_id)
    if scope.kind is ScopeKind.SEGMENT and scope.segment is None:
        raise ScopeError(f"a segment scope needs a segment, one of {', '.join(Segment)}")
