"""The renewal desk's writes: forecast fields of an opportunity edited with their history, churn and
downsell reasons from a configurable taxonomy, and saves (at-risk renewals that renewed) recorded."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated

from pydantic import Field, StringConstraints
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from acctgraph.domain.actors import Actor
from acctgraph.domain.commands import Command, Reason, Version
from acctgraph.domain.money import MAX_AMOUNT_MINOR
from acctgraph.domain.rules import BusinessRuleError, check_version, get_row
from acctgraph.models import (
    Alert,
    Contract,
    ContractStatus,
    ForecastCategory,
    HealthBand,
    HealthSnapshot,
    Opportunity,
    OpportunityFieldChange,
    OpportunityKind,
    OpportunityStatus,
    StageChange,
)
from acctgraph.models.base import utcnow

DEFAULT_CHURN_REASONS = (
    "price",
    "product_gaps",
    "champion_left",
    "budget",
    "acquired",
    "competitor",
    "poor_adoption",
    "other",
)
"""The taxonomy when ``ACCTGRAPH_CHURN_REASONS`` is not set."""

EDITABLE_FIELDS = ("amount_minor", "expected_close_date", "forecast_category", "next_step")
AT_RISK_BANDS = (HealthBand.RED, HealthBand.YELLOW)

NextStep = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
ChurnReason = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=60)]


class UpdateOpportunity(Command):
    """The forecast fields of an open opportunity; only those given change (``nextStep: null`` clears it)."""

    id: int
    version: Version
    amount_minor: int | None = Field(default=None, ge=0, le=MAX_AMOUNT_MINOR)
    expected_close_date: date | None = None
    forecast_category: ForecastCategory | None = None
    next_step: NextStep | None = None


def check_churn_reason(reason: str | None, taxonomy: Sequence[str], field: str = "churnReason") -> None:
    """Refuse a reason outside ``taxonomy``, naming the accepted ones."""
    if reason is not None and reason not in taxonomy:
        raise BusinessRuleError(
            "UNKNOWN_CHURN_REASON", f"{reason!r} is not a churn reason; give one of {', '.join(taxonomy)}", field
        )


def require_churn_reason(opportunity: Opportunity, won: bool, reason: str | None) -> None:
    """A renewal lost must say why, from the taxonomy (the free-text ``reason`` is its detail)."""
    if opportunity.kind is OpportunityKind.RENEWAL and not won and reason is None:
        raise BusinessRuleError(
            "CHURN_REASON_REQUIRED",
            "a lost renewal needs a churnReason from the taxonomy (churnReasons)",
            "churnReason",
        )


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(getattr(value, "value", value))


def update_opportunity(session: Session, actor: Actor, command: UpdateOpportunity) -> Opportunity:
    """Edit the given forecast fields, keeping one history row per field that actually changed."""
    opportunity = get_row(session, Opportunity, command.id)
    if opportunity.status is not OpportunityStatus.OPEN:
        raise BusinessRuleError("CLOSED", f"the opportunity is already closed ({opportunity.status.value})", "id")
    check_version(opportunity, command.version)
    given = command.given(*EDITABLE_FIELDS)
    if not given:
        raise BusinessRuleError(
            "REQUIRED", "give at least one of amountMinor, expectedCloseDate, forecastCategory, nextStep", "id"
        )
    for field in ("amount_minor", "forecast_category"):
        if field in given and given[field] is None:
            raise BusinessRuleError("REQUIRED", f"{_camel(field)} cannot be cleared", _camel(field))
    if given.get("forecast_category") is ForecastCategory.CLOSED:
        raise BusinessRuleError(
            "INVALID", "an opportunity becomes closed with closeOpportunity, not by its category", "forecastCategory"
        )
    for field, value in given.items():
        before, after = _as_text(getattr(opportunity, field)), _as_text(value)
        if before == after:
            continue
        session.add(
            OpportunityFieldChange(
                opportunity_id=opportunity.id,
                account_id=opportunity.account_id,
                field=field,
                before=before,
                after=after,
                changed_by_id=actor.user_id,
            )
        )
        setattr(opportunity, field, value)
    return opportunity


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def was_at_risk_when_opened(session: Session, opportunity: Opportunity) -> bool:
    """Whether the account was at risk when the renewal entered its window (was opened): its latest health
    band on that day red or yellow, or an alert raised by then and not yet resolved."""
    opened = opportunity.created_at
    band = session.scalar(
        select(HealthSnapshot.band)
        .where(HealthSnapshot.account_id == opportunity.account_id, HealthSnapshot.day <= opened.date())
        .order_by(HealthSnapshot.day.desc())
        .limit(1)
    )
    if band in AT_RISK_BANDS:
        return True
    alert_open = exists().where(
        Alert.account_id == opportunity.account_id,
        Alert.raised_at <= opened,
        Alert.resolved_at.is_(None) | (Alert.resolved_at > opened),
    )
    return bool(session.scalar(select(alert_open)))


class CancelContract(Command):
    """Cancel an active contract from ``ends_on`` (default today) with a churn reason and its detail."""

    id: int
    churn_reason: ChurnReason
    reason: Reason
    ends_on: date | None = None


def cancel_contract(
    session: Session, actor: Actor, command: CancelContract, taxonomy: Sequence[str], today: date
) -> Contract:
    """Cancel the contract: its last day becomes ``ends_on`` (today or later, not after its end), its
    status cancelled, with why; its open renewal, if any, closes lost with the same reason. Past MRR is
    never restated: a cancellation takes effect today at the earliest."""
    contract = get_row(session, Contract, command.id)
    if contract.status is not ContractStatus.ACTIVE:
        raise BusinessRuleError(
            "ILLEGAL_TRANSITION", f"only an active contract can be cancelled (it is {contract.status.value})", "id"
        )
    check_churn_reason(command.churn_reason, taxonomy)
    last_day = command.ends_on or today
    if last_day < today:
        raise BusinessRuleError("IN_PAST", "a cancellation takes effect today or later (endsOn)", "endsOn")
    if last_day > contract.end_date:
        raise BusinessRuleError(
            "INVALID_DATE",
            f"endsOn is after the contract's end ({contract.end_date}); give that day or earlier",
            "endsOn",
        )
    contract.status = ContractStatus.CANCELLED
    contract.end_date = max(last_day, contract.start_date)
    contract.churn_reason, contract.churn_detail = command.churn_reason, command.reason
    _lose_open_renewals(session, actor, contract, command)
    return contract


def _lose_open_renewals(session: Session, actor: Actor, contract: Contract, command: CancelContract) -> None:
    renewals = session.scalars(
        select(Opportunity).where(
            Opportunity.contract_id == contract.id,
            Opportunity.kind == OpportunityKind.RENEWAL,
            Opportunity.status == OpportunityStatus.OPEN,
        )
    )
    for renewal in renewals:
        session.add(
            StageChange(
                opportunity_id=renewal.id,
                account_id=renewal.account_id,
                from_stage=renewal.stage,
                to_stage="closed_lost",
                changed_by_id=actor.user_id,
            )
        )
        renewal.stage, renewal.status, renewal.probability = "closed_lost", OpportunityStatus.LOST, 0
        renewal.forecast_category = ForecastCategory.CLOSED
        renewal.closed_at = utcnow()
        renewal.closed_on = renewal.closed_at.date()
        renewal.owner_at_close_id = renewal.owner_id
        renewal.close_reason, renewal.churn_reason = command.reason, command.churn_reason
