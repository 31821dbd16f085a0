"""Users: create, update, deactivate, place in the team hierarchy, and bring up the first admin.

Shared by the admin-only GraphQL mutations and ``acctgraph users``/``acctgraph init``. Two rules keep a
deployment manageable: the hierarchy has no loops, and the last active admin cannot be demoted or deactivated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from acctgraph.domain.actors import Actor
from acctgraph.domain.changes import ChangeSet
from acctgraph.domain.commands import Command, Email, Name
from acctgraph.domain.hierarchy import refuse_cycle
from acctgraph.domain.rules import BusinessRuleError, get_row
from acctgraph.models import Role, User

T = TypeVar("T")


class CreateUser(Command):
    email: Email
    name: Name
    role: Role = Role.ACCOUNT_MANAGER
    manager_id: int | None = None


class UpdateUser(Command):
    id: int
    email: Email | None = None
    name: Name | None = None
    role: Role | None = None


class DeactivateUser(Command):
    id: int


class SetUserManager(Command):
    id: int
    manager_id: int | None


def user_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def _active_user(session: Session, user_id: int, field: str = "id") -> User:
    user: User = get_row(session, User, user_id, field)
    if not user.active:
        raise BusinessRuleError("INACTIVE", f"{user.email} is deactivated; it can no longer be changed", field)
    return user


def _refuse_taken_email(session: Session, email: str, field: str = "email") -> None:
    if user_by_email(session, email) is not None:
        raise BusinessRuleError("EMAIL_TAKEN", f"a user with email {email} already exists; give another email", field)


def _refuse_losing_last_admin(session: Session, user: User) -> None:
    """Someone must remain able to manage users: refuse to demote or deactivate the only active admin."""
    if user.role is not Role.ADMIN or not user.active:
        return
    admins = select(func.count()).select_from(User).where(User.role == Role.ADMIN, User.active.is_(True))
    if (session.scalar(admins) or 0) <= 1:
        raise BusinessRuleError(
            "LAST_ADMIN", f"{user.email} is the only active admin; make another user admin first", "id"
        )


def create_user(session: Session, _actor: Actor | None, command: CreateUser) -> User:
    _refuse_taken_email(session, command.email)
    if command.manager_id is not None:
        _active_user(session, command.manager_id, "managerId")
    user = User(**command.model_dump())
    session.add(user)
    session.flush()
    return user


def update_user(session: Session, _actor: Actor | None, command: UpdateUser) -> User:
    user = _active_user(session, command.id)
    changes = command.given("email", "name", "role")
    for name in ("email", "name", "role"):
        if name in changes and changes[name] is None:
            raise BusinessRuleError("REQUIRED", f"a user's {name} cannot be empty; leave it out to keep it", name)
    if changes.get("email") not in (None, user.email):
        _refuse_taken_email(session, str(changes["email"]))
    if changes.get("role") not in (None, Role.ADMIN):
        _refuse_losing_last_admin(session, user)
    for name, value in changes.items():
        setattr(user, name, value)
    return user


def deactivate_user(session: Session, _actor: Actor | None, command: DeactivateUser) -> User:
    """Their keys and SSO logins stop working at once; their accounts stay theirs until transferred."""
    user = _active_user(session, command.id)
    _refuse_losing_last_admin(session, user)
    user.active = False
    return user


def set_user_manager(session: Session, _actor: Actor | None, command: SetUserManager) -> User:
    user = _active_user(session, command.id)
    if command.manager_id is not None:
        _active_user(session, command.manager_id, "managerId")
    refuse_cycle(session, User.manager_id, user.id, command.manager_id, "managerId")
    user.manager_id = command.manager_id
    return user


class UsersExist(Exception):
    """The first admin can only be created on a database without users."""


def create_first_admin(session: Session, email: str, name: str) -> User:
    """The deployment's first user, an admin, on a database with no users yet (audited as ``init``)."""
    existing = user_count(session)
    if existing:
        raise UsersExist(f"the database already has {existing} user{'' if existing == 1 else 's'}")
    return run_audited(
        session, "init", lambda: create_user(session, None, CreateUser(email=email, name=name, role=Role.ADMIN))
    )


def run_audited(session: Session, operation: str, work: Callable[[], T]) -> T:
    """An operator's change outside the API, audited with no actor, in the caller's transaction."""
    with ChangeSet(session) as changes:
        result = work()
        session.flush()
        changes.write_audit(None, operation)
    return result
