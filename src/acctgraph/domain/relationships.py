"""Contacts and the relationship map: who they are, how they buy, and whom they report to."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints
from sqlalchemy.orm import Session

from acctgraph.domain.actors import Actor
from acctgraph.domain.commands import Command, Email, Name, Version
from acctgraph.domain.hierarchy import refuse_cycle
from acctgraph.domain.rules import BusinessRuleError, check_version, get_row
from acctgraph.models import Account, BuyingRole, Contact, Influence, Sentiment

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
PROFILE_FIELDS = ("name", "email", "title", "buying_role", "influence", "sentiment")


class CreateContact(Command):
    account_id: int
    name: Name
    email: Email | None = None
    title: Title | None = None
    buying_role: BuyingRole | None = None
    influence: Influence | None = None
    sentiment: Sentiment | None = None
    reports_to_id: int | None = None


class UpdateContact(Command):
    id: int
    version: Version
    name: Name | None = None
    email: Email | None = None
    title: Title | None = None
    buying_role: BuyingRole | None = None
    influence: Influence | None = None
    sentiment: Sentiment | None = None


class DeactivateContact(Command):
    id: int
    version: Version


class SetContactReportsTo(Command):
    id: int
    version: Version
    reports_to_id: int | None


def _active_contact(session: Session, contact_id: int, field: str = "id") -> Contact:
    contact = get_row(session, Contact, contact_id, field)
    if not contact.active:
        raise BusinessRuleError("INACTIVE", f"{contact.name} is deactivated; it can no longer be changed", field)
    return contact


def _manager_in_account(session: Session, account_id: int, manager_id: int | None, field: str) -> None:
    if manager_id is None:
        return
    manager = _active_contact(session, manager_id, field)
    if manager.account_id != account_id:
        raise BusinessRuleError("OTHER_ACCOUNT", f"{manager.name} works at another account; pick a colleague", field)


def create_contact(session: Session, _actor: Actor, command: CreateContact) -> Contact:
    account = get_row(session, Account, command.account_id, "accountId")
    _manager_in_account(session, account.id, command.reports_to_id, "reportsToId")
    contact = Contact(**command.model_dump())
    session.add(contact)
    return contact


def update_contact(session: Session, _actor: Actor, command: UpdateContact) -> Contact:
    contact = _active_contact(session, command.id)
    check_version(contact, command.version)
    changes = command.given(*PROFILE_FIELDS)
    if "name" in changes and changes["name"] is None:
        raise BusinessRuleError("REQUIRED", "name cannot be cleared; give a value or leave it out", "name")
    for field, value in changes.items():
        setattr(contact, field, value)
    return contact


def deactivate_contact(session: Session, _actor: Actor, command: DeactivateContact) -> Contact:
    contact = _active_contact(session, command.id)
    check_version(contact, command.version)
    contact.active = False
    return contact


def set_reports_to(session: Session, _actor: Actor, command: SetContactReportsTo) -> Contact:
    contact = _active_contact(session, command.id)
    check_version(contact, command.version)
    _manager_in_account(session, contact.account_id, command.reports_to_id, "reportsToId")
    refuse_cycle(session, Contact.reports_to_id, contact.id, command.reports_to_id, "reportsToId")
    contact.reports_to_id = command.reports_to_id
    return contact
