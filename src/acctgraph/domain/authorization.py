"""Whose accounts a user may change: admins all, managers their team's (recursively), account managers their own.

Checked on what a unit of work actually changed (a ``ChangeSet``), so no mutation can skip it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from acctgraph.domain.actors import Actor
from acctgraph.domain.changes import ChangeSet
from acctgraph.domain.hierarchy import descendant_ids
from acctgraph.models import Account, Role, User


class NotAuthorized(Exception):
    """The actor may not make this change; nothing was written."""


def writable_owner_ids(session: Session, actor: Actor) -> set[int] | None:
    """Owners whose accounts the actor may change; None means every account."""
    if actor.role is Role.ADMIN:
        return None
    if actor.role is Role.MANAGER:
        return {actor.user_id} | descendant_ids(session, User.manager_id, actor.user_id)
    if actor.role is Role.ACCOUNT_MANAGER:
        return {actor.user_id}
    return set()


def check_changes(session: Session, actor: Actor, changes: ChangeSet) -> None:
    """Refuse the unit of work if it touched, or moved an account out of, a book the actor does not write."""
    allowed = writable_owner_ids(session, actor)
    if allowed is None:
        return
    account_ids = set().union(*(change.account_ids for change in changes.rows.values()))
    owners = set(session.scalars(select(Account.owner_id).where(Account.id.in_(account_ids)))) if account_ids else set()
    owners |= set().union(*(change.previous_owner_ids for change in changes.rows.values()))
    outside = owners - allowed
    if outside:
        scope = "your team's" if actor.role is Role.MANAGER else "your own"
        raise NotAuthorized(f"as {actor.role.value} you may only change {scope} accounts; this change touches others")
