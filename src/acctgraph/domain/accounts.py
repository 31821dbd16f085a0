"""Changing the book: create, update, archive and re-parent accounts, and transfer them between owners.

Transfers are dated: one effective later waits as a pending ``OwnershipChange`` until the daily
``apply_due_transfers`` applies it; ``account_owners_on(day)`` reads who owned each account on a day.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from acctgraph.domain.actors import Actor
from acctgraph.domain.commands import Command, Domain, Name, Reason, Version
from acctgraph.domain.events import EventType, publish
from acctgraph.domain.hierarchy import refuse_cycle
from acctgraph.domain.rules import BusinessRuleError, check_version, get_row, get_rows
from acctgraph.domain.tasks.lists import OPEN_STATUSES
from acctgraph.models import (
    Account,
    AccountDomain,
    Activity,
    ActivityStatus,
    Alert,
    AlertStatus,
    LifecycleStage,
    Opportunity,
    OpportunityStatus,
    OwnershipChange,
    Role,
    Segment,
    Task,
    User,
)
from acctgraph.models.base import utcnow

OWNER_ROLES = (Role.ADMIN, Role.MANAGER, Role.ACCOUNT_MANAGER)
MAX_TRANSFER = 1000


class CreateAccount(Command):
    name: Name
    domain: Domain | None = None
    segment: Segment = Segment.SMB
    industry: Name | None = None
    region: Name | None = None
    lifecycle_stage: LifecycleStage = LifecycleStage.ONBOARDING
    owner_id: int | None = Field(default=None, description="Default: the caller")
    parent_id: int | None = None


class UpdateAccount(Command):
    id: int
    version: Version
    name: Name | None = None
    segment: Segment | None = None
    industry: Name | None = None
    region: Name | None = None
    lifecycle_stage: LifecycleStage | None = None


class ArchiveAccount(Command):
    id: int
    version: Version


class SetAccountParent(Command):
    id: int
    version: Version
    parent_id: int | None


class TransferAccounts(Command):
    account_ids: list[int] = Field(min_length=1, max_length=MAX_TRANSFER)
    to_owner_id: int
    effective_on: date
    reason: Reason
    keep_open_work: bool = Field(
        default=False, description="Leave open opportunities, alerts and tasks with the previous owner"
    )


def _owner(session: Session, user_id: int, field: str) -> User:
    user = get_row(session, User, user_id, field)
    if not user.active or user.role not in OWNER_ROLES:
        raise BusinessRuleError(
            "INVALID_OWNER",
            f"{user.email} cannot own accounts (inactive or a {user.role.value}); pick an active account manager",
            field,
        )
    return user


def _live_account(session: Session, account_id: int, field: str = "id") -> Account:
    account = get_row(session, Account, account_id, field)
    if account.archived_at is not None:
        raise BusinessRuleError("ARCHIVED", f"account {account.name!r} is archived; it can no longer be changed", field)
    return account


def create_account(session: Session, actor: Actor, command: CreateAccount) -> Account:
    owner = _owner(session, command.owner_id or actor.user_id, "ownerId")
    if command.parent_id is not None:
        _live_account(session, command.parent_id, "parentId")
    if command.domain and session.scalar(select(AccountDomain.id).where(AccountDomain.domain == command.domain)):
        raise BusinessRuleError(
            "DOMAIN_TAKEN", f"{command.domain} already belongs to another account; search for it", "domain"
        )
    account = Account(**command.model_dump(exclude={"domain", "owner_id"}), owner_id=owner.id)
    session.add(account)
    session.flush()
    if command.domain:
        session.add(AccountDomain(account_id=account.id, domain=command.domain, is_primary=True))
    return account


def update_account(session: Session, _actor: Actor, command: UpdateAccount) -> Account:
    account = _live_account(session, command.id)
    check_version(account, command.version)
    changes = command.given("name", "segment", "industry", "region", "lifecycle_stage")
    for field in ("name", "segment", "lifecycle_stage"):
        if field in changes and changes[field] is None:
            raise BusinessRuleError("REQUIRED", f"{field} cannot be cleared; give a value or leave it out", field)
    for field, value in changes.items():
        setattr(account, field, value)
    return account


def archive_account(session: Session, _actor: Actor, command: ArchiveAccount) -> Account:
    account = _live_account(session, command.id)
    check_version(account, command.version)
    account.archived_at = utcnow()
    return account


def set_account_parent(session: Session, _actor: Actor, command: SetAccountParent) -> Account:
    account = _live_account(session, command.id)
    check_version(account, command.version)
    if command.parent_id is not None:
        _live_account(session, command.parent_id, "parentId")
    refuse_cycle(session, Account.parent_id, account.id, command.parent_id, "parentId")
    account.parent_id = command.parent_id
    return account


def transfer_accounts(session: Session, actor: Actor, command: TransferAccounts, today: date) -> list[OwnershipChange]:
    """The yearly rebalancing: move accounts to a new owner on ``effective_on``, keeping who owned them,
    from when, and why.

    A transfer effective today or earlier is applied at once; a later one is recorded as pending and
    applied on its day by ``apply_due_transfers``. An account has at most one pending transfer.
    """
    if abs((command.effective_on - today).days) > 366:
        raise BusinessRuleError("INVALID_DATE", "effectiveOn must be within a year of today", "effectiveOn")
    if len(set(command.account_ids)) != len(command.account_ids):
        raise BusinessRuleError("DUPLICATE", "list each account once", "accountIds")
    owner = _owner(session, command.to_owner_id, "toOwnerId")
    accounts = get_rows(session, Account, command.account_ids, "accountIds")
    pending_transfers = select(OwnershipChange.account_id, OwnershipChange.effective_on).where(
        OwnershipChange.applied_at.is_(None), OwnershipChange.account_id.in_(command.account_ids)
    )
    pending = {account_id: effective_on for account_id, effective_on in session.execute(pending_transfers)}
    for index, account in enumerate(accounts):
        _check_transferable(account, owner, pending.get(account.id), f"accountIds.{index}")
    changes = [
        OwnershipChange(
            account_id=account.id,
            from_owner_id=account.owner_id,
            to_owner_id=owner.id,
            effective_on=command.effective_on,
            reason=command.reason,
            changed_by_id=actor.user_id,
            moves_open_work=not command.keep_open_work,
        )
        for account in accounts
    ]
    session.add_all(changes)
    session.flush()
    if command.effective_on <= today:
        _apply(session, changes, {account.id: account for account in accounts})
    return changes


def _check_transferable(account: Account, owner: User, pending_on: date | None, field: str) -> None:
    if account.archived_at is not None:
        raise BusinessRuleError("ARCHIVED", f"account {account.name!r} is archived", field)
    if account.owner_id == owner.id:
        raise BusinessRuleError("ALREADY_OWNER", f"{owner.email} already owns {account.name!r}", field)
    if pending_on is not None:
        raise BusinessRuleError(
            "TRANSFER_PENDING",
            f"{account.name!r} already has a transfer pending for {pending_on.isoformat()}; wait until it applies",
            field,
        )


def apply_due_transfers(session: Session, today: date) -> list[OwnershipChange]:
    """Apply the pending transfers effective on or before ``today`` (the daily job); the ones applied.

    Idempotent: an applied transfer is never applied again. Leaves the commit to the caller.
    """
    due = list(
        session.scalars(
            select(OwnershipChange)
            .where(OwnershipChange.applied_at.is_(None), OwnershipChange.effective_on <= today)
            .order_by(OwnershipChange.effective_on, OwnershipChange.id)
        )
    )
    if due:
        accounts = get_rows(session, Account, sorted({change.account_id for change in due}), "accountIds")
        _apply(session, due, {account.id: account for account in accounts})
    return due


def _apply(session: Session, changes: list[OwnershipChange], accounts: dict[int, Account]) -> None:
    """Move each account, and (unless kept) its open opportunities, unresolved alerts and open tasks
    held by the owner it leaves; the change records the owner it actually left. Rows change through
    the ORM, so a mutation's audit trail lists every moved row; three reads whatever the batch size."""
    now = utcnow()
    moving = [change for change in changes if change.moves_open_work]
    open_work = _open_work(session, sorted({change.account_id for change in moving}))
    for change in changes:
        account = accounts[change.account_id]
        change.from_owner_id = account.owner_id
        change.applied_at = now
        if change.moves_open_work and account.owner_id is not None:
            for row, owner_field in open_work.get(account.id, []):
                if getattr(row, owner_field) == account.owner_id:
                    setattr(row, owner_field, change.to_owner_id)
        account.owner_id = change.to_owner_id
        publish(
            session,
            EventType.ACCOUNT_TRANSFERRED,
            {
                "account_id": account.id,
                "account_name": account.name,
                "from_owner_id": change.from_owner_id,
                "to_owner_id": change.to_owner_id,
                "effective_on": change.effective_on,
                "reason": change.reason,
                "ownership_change_id": change.id,
                "moved_open_work": change.moves_open_work,
            },
        )
    session.flush()


def _open_work(session: Session, account_ids: list[int]) -> dict[int, list[tuple[Any, str]]]:
    """Open opportunities, unresolved alerts and open tasks of the accounts, with their owner field."""
    work: dict[int, list[tuple[Any, str]]] = {}
    if not account_ids:
        return work
    queries = (
        (select(Opportunity).where(Opportunity.status == OpportunityStatus.OPEN), Opportunity, "owner_id"),
        (select(Alert).where(Alert.status != AlertStatus.RESOLVED), Alert, "owner_id"),
        (select(Activity).where(Activity.status != ActivityStatus.DONE), Activity, "assignee_id"),
        (select(Task).where(Task.status.in_(OPEN_STATUSES)), Task, "owner_id"),
    )
    for query, model, owner_field in queries:
        for row in session.scalars(query.where(model.account_id.in_(account_ids))):
            work.setdefault(row.account_id, []).append((row, owner_field))
    return work


def account_owners_on(day: date) -> Select[*tuple[Any, ...]]:
    """SELECT account_id, owner_id: who owned each account on ``day``, from the ownership history.

    The owner of the latest transfer applied and effective on or before ``day``; before an account's
    first transfer, the owner that transfer moved it from; an account never transferred, its owner.
    """
    ranked = (
        select(
            OwnershipChange.account_id,
            case(
                (OwnershipChange.effective_on <= day, OwnershipChange.to_owner_id), else_=OwnershipChange.from_owner_id
            ).label("owner_id"),
            func.row_number()
            .over(
                partition_by=OwnershipChange.account_id,
                order_by=(
                    (OwnershipChange.effective_on <= day).desc(),
                    case((OwnershipChange.effective_on <= day, OwnershipChange.effective_on)).desc(),
                    OwnershipChange.effective_on,
                    OwnershipChange.id.desc(),
                ),
            )
            .label("rank"),
        )
        .where(OwnershipChange.applied_at.is_not(None))
        .subquery()
    )
    history = select(ranked.c.account_id, ranked.c.owner_id).where(ranked.c.rank == 1).subquery()
    return select(
        Account.id.label("account_id"), func.coalesce(history.c.owner_id, Account.owner_id).label("owner_id")
    ).outerjoin(history, history.c.account_id == Account.id)
