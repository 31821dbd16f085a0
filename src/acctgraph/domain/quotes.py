"""Quotes: priced lines, a discount, and the approval workflow.

draft -> pending_approval -> approved | rejected; approved -> sent -> accepted | declined; rejected -> draft.
A discount above one threshold needs the account owner's manager; a total above another needs an admin
(finance). A quote that needs neither is approved as soon as it is submitted.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated

from pydantic import Field
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from acctgraph.domain.actors import Actor
from acctgraph.domain.commands import Command, Currency, Name, Version
from acctgraph.domain.rules import BusinessRuleError, check_version, get_row
from acctgraph.models import Account, Opportunity, Product, Quote, QuoteLine, QuoteStatus, Role, User
from acctgraph.models.base import utcnow

S = QuoteStatus
TRANSITIONS: dict[QuoteStatus, tuple[QuoteStatus, ...]] = {
    S.DRAFT: (S.PENDING_APPROVAL,),
    S.PENDING_APPROVAL: (S.APPROVED, S.REJECTED),
    S.REJECTED: (S.DRAFT,),
    S.APPROVED: (S.SENT,),
    S.SENT: (S.ACCEPTED, S.DECLINED),
    S.ACCEPTED: (),
    S.DECLINED: (),
}
EDITABLE = (S.DRAFT,)
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]


@dataclass(frozen=True)
class ApprovalThresholds:
    """Above ``discount_bp`` the owner's manager approves; above ``total_minor`` (quote currency) an admin."""

    discount_bp: int
    total_minor: int


class QuoteLineInput(Command):
    product_id: int
    quantity: int = Field(ge=1, le=1_000_000)
    unit_price_minor: int = Field(ge=0)


class CreateQuote(Command):
    account_id: int
    opportunity_id: int | None = None
    title: Name
    currency: Currency
    discount_percent: Percent = Decimal(0)
    lines: list[QuoteLineInput] = Field(default_factory=list, max_length=200)


class UpdateQuote(Command):
    id: int
    version: Version
    title: Name | None = None
    discount_percent: Percent | None = None
    lines: list[QuoteLineInput] | None = Field(default=None, max_length=200)


class ChangeQuoteStatus(Command):
    id: int
    version: Version
    status: QuoteStatus
    note: Annotated[str, Field(max_length=1000)] | None = None


def _subtotal(session: Session, lines: list[QuoteLineInput]) -> int:
    for index, line in enumerate(lines):
        get_row(session, Product, line.product_id, f"lines.{index}.productId")
    return sum(line.quantity * line.unit_price_minor for line in lines)


def _add_lines(session: Session, quote: Quote, lines: list[QuoteLineInput]) -> None:
    session.add_all(QuoteLine(quote_id=quote.id, account_id=quote.account_id, **line.model_dump()) for line in lines)


def _price(quote: Quote) -> None:
    discount = (quote.subtotal_minor * quote.discount_bp + 5_000) // 10_000
    quote.total_minor = quote.subtotal_minor - discount


def create_quote(session: Session, actor: Actor, command: CreateQuote) -> Quote:
    get_row(session, Account, command.account_id, "accountId")
    if command.opportunity_id is not None:
        opportunity = get_row(session, Opportunity, command.opportunity_id, "opportunityId")
        if opportunity.account_id != command.account_id:
            raise BusinessRuleError("OTHER_ACCOUNT", "the opportunity belongs to another account", "opportunityId")
    quote = Quote(
        account_id=command.account_id,
        opportunity_id=command.opportunity_id,
        title=command.title,
        currency=command.currency,
        discount_bp=int(command.discount_percent * 100),
        subtotal_minor=_subtotal(session, command.lines),
        created_by_id=actor.user_id,
    )
    _price(quote)
    session.add(quote)
    session.flush()
    _add_lines(session, quote, command.lines)
    return quote


def update_quote(session: Session, _actor: Actor, command: UpdateQuote) -> Quote:
    quote = get_row(session, Quote, command.id)
    if quote.status not in EDITABLE:
        raise BusinessRuleError(
            "NOT_EDITABLE",
            f"a {quote.status.value} quote cannot be edited; only drafts can (reopen a rejected one)",
            "id",
        )
    check_version(quote, command.version)
    if command.title is not None:
        quote.title = command.title
    if command.discount_percent is not None:
        quote.discount_bp = int(command.discount_percent * 100)
    if command.lines is not None:
        quote.subtotal_minor = _subtotal(session, command.lines)
        session.execute(delete(QuoteLine).where(QuoteLine.quote_id == quote.id))
        _add_lines(session, quote, command.lines)
    _price(quote)
    return quote


def approvals_needed(quote: Quote, thresholds: ApprovalThresholds) -> tuple[bool, bool]:
    """(manager approval needed, admin approval needed)."""
    return quote.discount_bp > thresholds.discount_bp, quote.total_minor > thresholds.total_minor


def _check_approver(session: Session, actor: Actor, quote: Quote, thresholds: ApprovalThresholds) -> None:
    needs_manager, needs_admin = approvals_needed(quote, thresholds)
    if actor.role is Role.ADMIN:
        return
    if needs_admin:
        raise BusinessRuleError(
            "APPROVER_REQUIRED", "the total is above the finance threshold: an admin must decide", "status"
        )
    owner_manager = session.scalar(
        select(User.manager_id).join(Account, Account.owner_id == User.id).where(Account.id == quote.account_id)
    )
    if needs_manager and owner_manager != actor.user_id:
        raise BusinessRuleError(
            "APPROVER_REQUIRED",
            "the discount is above the threshold: the account owner's manager must decide",
            "status",
        )


def change_quote_status(
    session: Session, actor: Actor, command: ChangeQuoteStatus, thresholds: ApprovalThresholds
) -> Quote:
    quote = get_row(session, Quote, command.id)
    allowed = TRANSITIONS[quote.status]
    if command.status not in allowed:
        options = ", ".join(status.name for status in allowed) or "nothing (it is final)"
        raise BusinessRuleError(
            "ILLEGAL_TRANSITION",
            f"a {quote.status.name} quote can move to {options}, not {command.status.name}",
            "status",
        )
    check_version(quote, command.version)
    target = command.status
    if target is S.PENDING_APPROVAL:
        if quote.subtotal_minor == 0:
            raise BusinessRuleError("EMPTY_QUOTE", "add priced lines before submitting the quote", "id")
        if not any(approvals_needed(quote, thresholds)):
            target = S.APPROVED
    if quote.status is S.PENDING_APPROVAL:
        _check_approver(session, actor, quote, thresholds)
        quote.decided_by_id = actor.user_id
        quote.decided_at = utcnow()
        quote.decision_note = command.note
    quote.status = target
    return quote
