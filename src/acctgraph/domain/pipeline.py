"""Opportunities through the pipeline: created, moved stage by stage (history kept), closed won or lost."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated

from pydantic import Field, StringConstraints
from sqlalchemy import select
from sqlalchemy.orm import Session

from acctgraph.domain.actors import Actor
from acctgraph.domain.commands import Command, Currency, Name, Reason, Version
from acctgraph.domain.money import MAX_AMOUNT_MINOR
from acctgraph.domain.renewal_desk import (
    DEFAULT_CHURN_REASONS,
    ChurnReason,
    check_churn_reason,
    require_churn_reason,
    was_at_risk_when_opened,
)
from acctgraph.domain.rules import BusinessRuleError, check_version, get_row
from acctgraph.models import (
    Account,
    ForecastCategory,
    Opportunity,
    OpportunityKind,
    OpportunityStatus,
    StageChange,
    User,
)
from acctgraph.models.base import utcnow

Stage = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=120)]
Probability = Annotated[int, Field(ge=0, le=100)]
CLOSED_WON = "closed_won"
CLOSED_LOST = "closed_lost"


class CreateOpportunity(Command):
    account_id: int
    name: Name
    kind: OpportunityKind
    stage: Stage = "qualification"
    amount_minor: int = Field(ge=0, le=MAX_AMOUNT_MINOR)
    currency: Currency
    probability: Probability = 10
    expected_close_date: date | None = None
    forecast_category: ForecastCategory = ForecastCategory.PIPELINE
    owner_id: int | None = None


class MoveOpportunityStage(Command):
    id: int
    version: Version
    stage: Stage
    probability: Probability | None = None
    forecast_category: ForecastCategory | None = None


class CloseOpportunity(Command):
    id: int
    version: Version
    won: bool
    reason: Reason | None = None
    churn_reason: ChurnReason | None = None


def _record_stage(
    session: Session, actor: Actor, opportunity: Opportunity, to_stage: str, from_stage: str | None
) -> None:
    session.add(
        StageChange(
            opportunity_id=opportunity.id,
            account_id=opportunity.account_id,
            from_stage=from_stage,
            to_stage=to_stage,
            changed_by_id=actor.user_id,
        )
    )


def _open(session: Session, command: MoveOpportunityStage | CloseOpportunity) -> Opportunity:
    opportunity = get_row(session, Opportunity, command.id)
    if opportunity.status is not OpportunityStatus.OPEN:
        raise BusinessRuleError("CLOSED", f"the opportunity is already closed ({opportunity.status.value})", "id")
    check_version(opportunity, command.version)
    return opportunity


def create_opportunity(session: Session, actor: Actor, command: CreateOpportunity) -> Opportunity:
    account = get_row(session, Account, command.account_id, "accountId")
    if command.stage in (CLOSED_WON, CLOSED_LOST):
        raise BusinessRuleError("INVALID_STAGE", "create open opportunities; close them with closeOpportunity", "stage")
    owner_id = command.owner_id or account.owner_id or actor.user_id
    get_row(session, User, owner_id, "ownerId")
    opportunity = Opportunity(**command.model_dump(exclude={"owner_id"}), owner_id=owner_id)
    session.add(opportunity)
    session.flush()
    _record_stage(session, actor, opportunity, opportunity.stage, None)
    return opportunity


def move_stage(session: Session, actor: Actor, command: MoveOpportunityStage) -> Opportunity:
    opportunity = _open(session, command)
    if command.stage in (CLOSED_WON, CLOSED_LOST):
        raise BusinessRuleError(
            "INVALID_STAGE", "close an opportunity with closeOpportunity, which takes a reason", "stage"
        )
    if command.stage == opportunity.stage:
        raise BusinessRuleError("SAME_STAGE", f"the opportunity is already in {command.stage!r}", "stage")
    _record_stage(session, actor, opportunity, command.stage, opportunity.stage)
    opportunity.stage = command.stage
    for field, value in command.given("probability", "forecast_category").items():
        if value is not None:
            setattr(opportunity, field, value)
    return opportunity


def close_opportunity(
    session: Session, actor: Actor, command: CloseOpportunity, churn_reasons: Sequence[str] = DEFAULT_CHURN_REASONS
) -> Opportunity:
    """Close as won or lost. A lost renewal needs a ``churn_reason`` from ``churn_reasons`` (a won one may
    carry one: why it was downsold); a won renewal whose account was at risk when it opened is a save."""
    opportunity = _open(session, command)
    if not command.won and not command.reason:
        raise BusinessRuleError("REASON_REQUIRED", "say why the opportunity was lost (reason)", "reason")
    check_churn_reason(command.churn_reason, churn_reasons)
    require_churn_reason(opportunity, command.won, command.churn_reason)
    if command.won and opportunity.kind is OpportunityKind.RENEWAL:
        opportunity.saved = was_at_risk_when_opened(session, opportunity)
    opportunity.churn_reason = command.churn_reason
    stage = CLOSED_WON if command.won else CLOSED_LOST
    _record_stage(session, actor, opportunity, stage, opportunity.stage)
    opportunity.stage = stage
    opportunity.status = OpportunityStatus.WON if command.won else OpportunityStatus.LOST
    opportunity.probability = 100 if command.won else 0
    opportunity.forecast_category = ForecastCategory.CLOSED
    opportunity.closed_at = utcnow()
    opportunity.closed_on = opportunity.closed_at.date()
    opportunity.owner_at_close_id = opportunity.owner_id or session.get_one(Account, opportunity.account_id).owner_id
    opportunity.close_reason = command.reason
    return opportunity


def record_opportunity_closes(session: Session, today: date) -> int:
    """Give opportunities closed by a sync (status won or lost, no close day yet) their close day (the
    day of ``closed_at`` when the source sent it, else ``today``) and their owner at close (their owner,
    else the account's); the number recorded. Two statements; leaves the commit to the caller."""
    rows = session.execute(
        select(Opportunity, Account.owner_id)
        .join(Account, Account.id == Opportunity.account_id)
        .where(Opportunity.status != OpportunityStatus.OPEN, Opportunity.closed_on.is_(None))
    ).all()
    for opportunity, account_owner_id in rows:
        opportunity.closed_on = opportunity.closed_at.date() if opportunity.closed_at else today
        opportunity.owner_at_close_id = opportunity.owner_id or account_owner_id
    session.flush()
    return len(rows)
