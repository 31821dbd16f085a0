"""Account plans: goals, the initiatives under them, and the whitespace to cross-sell into."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, exists, select, true
from sqlalchemy.orm import Session

from acctgraph.domain.account_facts import active_contracts_ending_from
from acctgraph.domain.actors import Actor
from acctgraph.domain.commands import Command, Name, Text, Version
from acctgraph.domain.mrr import line_in_force
from acctgraph.domain.rules import BusinessRuleError, check_version, get_row
from acctgraph.models import Account, ContractLine, PlanItem, PlanItemKind, PlanItemStatus, Product, User


class CreatePlanItem(Command):
    account_id: int
    goal_id: int | None = None
    title: Name
    description: Text | None = None
    status: PlanItemStatus = PlanItemStatus.NOT_STARTED
    due_on: date | None = None
    owner_id: int | None = None


class UpdatePlanItem(Command):
    id: int
    version: Version
    title: Name | None = None
    description: Text | None = None
    status: PlanItemStatus | None = None
    due_on: date | None = None
    owner_id: int | None = None


def create_plan_item(session: Session, actor: Actor, command: CreatePlanItem) -> PlanItem:
    """A goal, or with ``goal_id`` an initiative under that goal of the same account."""
    get_row(session, Account, command.account_id, "accountId")
    if command.goal_id is not None:
        goal = get_row(session, PlanItem, command.goal_id, "goalId")
        if goal.kind is not PlanItemKind.GOAL or goal.account_id != command.account_id:
            raise BusinessRuleError("NOT_A_GOAL", "goalId must be a goal of the same account", "goalId")
    if command.owner_id is not None:
        get_row(session, User, command.owner_id, "ownerId")
    item = PlanItem(
        **command.model_dump(),
        kind=PlanItemKind.GOAL if command.goal_id is None else PlanItemKind.INITIATIVE,
    )
    item.owner_id = command.owner_id or actor.user_id
    session.add(item)
    return item


def update_plan_item(session: Session, _actor: Actor, command: UpdatePlanItem) -> PlanItem:
    item = get_row(session, PlanItem, command.id)
    check_version(item, command.version)
    changes = command.given("title", "description", "status", "due_on", "owner_id")
    for field in ("title", "status"):
        if field in changes and changes[field] is None:
            raise BusinessRuleError("REQUIRED", f"{field} cannot be cleared; give a value or leave it out", field)
    if command.owner_id is not None:
        get_row(session, User, command.owner_id, "ownerId")
    for field, value in changes.items():
        setattr(item, field, value)
    return item


def whitespace(as_of: date) -> Select[*tuple[Any, ...]]:
    """SELECT account_id, product: catalogue products the account has under no active contract (cross-sell)."""
    in_force = active_contracts_ending_from(as_of).subquery()
    owns = exists().where(
        ContractLine.contract_id == in_force.c.id,
        in_force.c.account_id == Account.id,
        ContractLine.product_id == Product.id,
        line_in_force(as_of),
    )
    return select(Account.id, Product).join(Product, true()).where(~owns, Product.deleted_at.is_(None))
