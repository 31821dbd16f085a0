"""Changing the book: create, update, archive and re-parent accounts, and transfer them between owners."""

from __future__ import annotations

from datetime import date

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from acctgraph.domain.actors import Actor
from acctgraph.domain.commands import Command, Domain, Name, Reason, Version
from acctgraph.domain.hierarchy import refuse_cycle
from acctgraph.domain.rules import BusinessRuleError, check_version, get_row, get_rows
from acctgraph.models import Account, AccountDomain, LifecycleStage, OwnershipChange, Role, Segment, User
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


def transfer_accounts(session: Session, actor: Actor, command: TransferAccounts, today: date) -> list[Account]:
    """The yearly rebalancing: move accounts to a new owner, keeping who owned them, from when, and why."""
    if abs((command.effective_on - today).days) > 366:
        raise BusinessRuleError("INVALID_DATE", "effectiveOn must be within a year of today", "effectiveOn")
    if len(set(command.account_ids)) != len(command.account_ids):
        raise BusinessRuleError("DUPLICATE", "list each account once", "accountIds")
    owner = _owner(session, command.to_owner_id, "toOwnerId")
    accounts = get_rows(session, Account, command.account_ids, "accountIds")
    for index, account in enumerate(accounts):
        if account.archived_at is not None:
            raise BusinessRuleError("ARCHIVED", f"account {account.name!r} is archived", f"accountIds.{index}")
        if account.owner_id == owner.id:
            raise BusinessRuleError(
                "ALREADY_OWNER", f"{owner.email} already owns {account.name!r}", f"accountIds.{index}"
            )
    for account in accounts:
        session.add(
            OwnershipChange(
                account_id=account.id,
                from_owner_id=account.owner_id,
                to_owner_id=owner.id,
                effective_on=command.effective_on,
                reason=command.reason,
                changed_by_id=actor.user_id,
            )
        )
        account.owner_id = owner.id
    return accounts
