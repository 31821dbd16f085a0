"""Promotions: a campaign with an offer for strategic accounts over a period, and what each account did."""

from __future__ import annotations

from datetime import date

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from acctgraph.domain.account_facts import strategic_account_ids
from acctgraph.domain.actors import Actor
from acctgraph.domain.commands import Command, Currency, Name, Text, Version
from acctgraph.domain.rules import BusinessRuleError, check_version, get_row, get_rows
from acctgraph.models import Account, Promotion, PromotionOutcome, PromotionTarget


class CreatePromotion(Command):
    name: Name
    offer: Text = Field(min_length=1)
    starts_on: date
    ends_on: date
    account_ids: list[int] = Field(min_length=1, max_length=1000)


class RecordPromotionResult(Command):
    id: int = Field(description="The promotion target (one account in one promotion)")
    version: Version
    outcome: PromotionOutcome
    revenue_minor: int = Field(default=0, ge=0)
    currency: Currency | None = None
    note: Text | None = None


def create_promotion(
    session: Session, actor: Actor, command: CreatePromotion, today: date, currency: str, threshold_minor: int
) -> Promotion:
    if command.ends_on < command.starts_on:
        raise BusinessRuleError("INVALID_PERIOD", "endsOn is before startsOn; swap them", "endsOn")
    if command.ends_on < today:
        raise BusinessRuleError(
            "INVALID_PERIOD", "the promotion would be over already; end it today or later", "endsOn"
        )
    if len(set(command.account_ids)) != len(command.account_ids):
        raise BusinessRuleError("DUPLICATE", "list each account once", "accountIds")
    accounts = get_rows(session, Account, command.account_ids, "accountIds")
    strategic = strategic_account_ids(session, command.account_ids, today, currency, threshold_minor)
    for index, account in enumerate(accounts):
        if account.id not in strategic:
            raise BusinessRuleError(
                "NOT_STRATEGIC",
                f"{account.name!r} is not a strategic account (segment or MRR threshold)",
                f"accountIds.{index}",
            )
    key, month = promotion_key(command.name), command.starts_on.replace(day=1)
    _refuse_repeat(session, key, month, accounts)
    promotion = Promotion(**command.model_dump(exclude={"account_ids"}), created_by_id=actor.user_id)
    session.add(promotion)
    session.flush()
    session.add_all(
        PromotionTarget(promotion_id=promotion.id, account_id=account.id, promotion_key=key, month=month)
        for account in accounts
    )
    return promotion


def promotion_key(name: str) -> str:
    """What makes two promotions the same one: the name, trimmed and lower-cased."""
    return name.strip().lower()


def _refuse_repeat(session: Session, key: str, month: date, accounts: list[Account]) -> None:
    """The same promotion reaches an account at most once a month (``uq_promotion_targets_once_a_month``
    is the backstop for two creations racing)."""
    repeated = set(
        session.scalars(
            select(PromotionTarget.account_id).where(
                PromotionTarget.promotion_key == key,
                PromotionTarget.month == month,
                PromotionTarget.account_id.in_([account.id for account in accounts]),
            )
        )
    )
    for index, account in enumerate(accounts):
        if account.id in repeated:
            raise BusinessRuleError(
                "DUPLICATE_PROMOTION",
                f"{account.name!r} already has this promotion in {month:%Y-%m}; drop it from accountIds or rename "
                "the promotion",
                f"accountIds.{index}",
            )


def record_result(session: Session, _actor: Actor, command: RecordPromotionResult) -> PromotionTarget:
    target = get_row(session, PromotionTarget, command.id)
    check_version(target, command.version)
    if command.revenue_minor and not command.currency:
        raise BusinessRuleError("CURRENCY_REQUIRED", "give the currency of the revenue", "currency")
    for field, value in command.model_dump(exclude={"id", "version"}).items():
        setattr(target, field, value)
    return target
