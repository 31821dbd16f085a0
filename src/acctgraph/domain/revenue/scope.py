"""Which accounts a figure covers: all, one owner's book, a manager's whole team, or a segment.

Today's figures (the book, ARR, untouched accounts) use today's ownership. A figure of a past window
keeps the owner at the time (``account_owners_on``): an account belongs to the owner who held it on the
window's opening day when it was paying then (the book they started with, whose retention NRR and GRR
measure), otherwise to the owner who held it on the window's closing day (new business and
reactivation go to who held the account when it came). A transfer does not move the past.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import CTE, Select, literal, literal_column, select, union_all
from sqlalchemy.orm import Session

from acctgraph.domain.accounts import account_owners_on
from acctgraph.models import Account, OwnershipChange, Segment, User


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


def owner_ids(scope: Scope) -> Select[int] | None:
    """SELECT the users whose accounts an owner or team scope covers; None for the other kinds."""
    if scope.kind is ScopeKind.OWNER:
        return select(literal(scope.user_id).label("user_id"))
    if scope.kind is ScopeKind.TEAM:
        assert scope.user_id is not None
        return select(team_members(scope.user_id).c.user_id)
    return None


def accounts_ever_held(owners: Select[int]) -> Select[int]:
    """SELECT the accounts (deleted upstream included) that ``owners`` hold or held at some point."""
    transferred = select(OwnershipChange.account_id).where(
        OwnershipChange.applied_at.is_not(None),
        OwnershipChange.from_owner_id.in_(owners) | OwnershipChange.to_owner_id.in_(owners),
    )
    return select(Account.id).where(Account.owner_id.in_(owners) | Account.id.in_(transferred))


@dataclass(frozen=True)
class OwnersByDay:
    """Who owned each account on chosen days (the ownership history), and the rule of the module docstring."""

    owners: Mapping[date, Mapping[int, int | None]]

    def held(
        self, opening_day: date, closing_day: date, paying_at_opening: Collection[int], members: Collection[int]
    ) -> set[int]:
        """The accounts ``members`` held over the window from ``opening_day`` to ``closing_day``."""
        opening, closing = self.owners[opening_day], self.owners[closing_day]
        return {
            account
            for account in opening.keys() | closing.keys()
            if (opening.get(account) if account in paying_at_opening else closing.get(account)) in members
        }


def owners_by_day(session: Session, days: Iterable[date], accounts: Select[int]) -> OwnersByDay:
    """The owner of each of ``accounts`` on each of ``days``, in one statement (a UNION ALL of
    ``account_owners_on`` per day), so the statement count does not grow with the days."""
    days = sorted(set(days))
    owners: dict[date, dict[int, int | None]] = {day: {} for day in days}
    parts = []
    for index, day in enumerate(days):
        on_day = account_owners_on(day).subquery()
        parts.append(
            select(literal_column(str(index)).label("day_index"), on_day.c.account_id, on_day.c.owner_id).where(
                on_day.c.account_id.in_(accounts)
            )
        )
    if parts:
        statement = parts[0] if len(parts) == 1 else union_all(*parts)
        for day_index, account_id, owner_id in session.execute(statement):
            owners[days[day_index]][account_id] = owner_id
    return OwnersByDay(owners)


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
