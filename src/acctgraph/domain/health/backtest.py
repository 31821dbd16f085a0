"""Does the score predict churn? Replay the scorecard N days before each renewal outcome.

An outcome is a contract that ended before today: renewed when its status is ``renewed`` or a signed
contract renews it (``renewal_of``; a draft renewal never signed does not count), churned otherwise
(expired or cancelled without a renewal). Contracts of one account ending on the same day are one
outcome, renewed if any of them was. The score is computed with the same measure queries as the daily
run, as of ``end_date - N``, so it only reads data known then (contract statuses as they were then,
see contract_history). ROC AUC is the probability that a churned account scored lower than a renewed
one (ties count half): 0.5 is a coin toss, 1.0 a perfect separation.

``from_snapshots`` reads the stored daily snapshots of those days instead of replaying; since a day's
snapshot is computed from what was known on it, both give the same report once history is computed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import Session, aliased

from acctgraph.domain.contract_history import ever_signed, record_contract_status_changes
from acctgraph.domain.health.engine import AccountHealth, score_book
from acctgraph.domain.health.measures import HealthMeasure
from acctgraph.domain.health.scorecard import HealthConfig
from acctgraph.models import Account, Contract, ContractStatus, HealthBand, HealthSnapshot


@dataclass(frozen=True)
class BandChurn:
    band: HealthBand
    outcomes: int
    churned: int

    @property
    def churn_rate(self) -> float:
        return self.churned / self.outcomes if self.outcomes else 0.0


@dataclass(frozen=True)
class MeasureSeparation:
    key: str
    outcomes: int
    auc: float | None


@dataclass(frozen=True)
class BacktestReport:
    days_before: int
    outcomes: int
    churned: int
    without_data: int
    auc: float | None
    bands: list[BandChurn]
    measures: list[MeasureSeparation]


@dataclass(frozen=True)
class _Outcome:
    account_id: int
    end_date: date
    churned: bool


def backtest(
    session: Session,
    config: HealthConfig,
    catalogue: Mapping[str, HealthMeasure],
    days_before: int,
    today: date | None = None,
    from_snapshots: bool = False,
) -> BacktestReport:
    """Score every past outcome ``days_before`` days ahead of it and measure how well scores separated them."""
    today = today or datetime.now(UTC).date()
    record_contract_status_changes(session, today)
    outcomes = renewal_outcomes(session, today)
    if from_snapshots:
        scored = _stored_outcomes(session, outcomes, days_before)
    else:
        scored = _score_outcomes(session, config, catalogue, outcomes, days_before)
    churned_flags = [outcome.churned for outcome, _ in scored]
    return BacktestReport(
        days_before=days_before,
        outcomes=len(scored),
        churned=sum(churned_flags),
        without_data=len(outcomes) - len(scored),
        auc=roc_auc([health.score for _, health in scored], churned_flags),
        bands=_band_churn(scored),
        measures=_measure_separation(scored),
    )


def renewal_outcomes(session: Session, today: date) -> list[_Outcome]:
    renewal = aliased(Contract)
    is_renewed = (Contract.status == ContractStatus.RENEWED) | exists().where(
        renewal.renewal_of_id == Contract.id, renewal.deleted_at.is_(None), renewal.id.in_(ever_signed())
    )
    renewed_any = func.max(case((is_renewed, 1), else_=0))
    rows = session.execute(
        select(Contract.account_id, Contract.end_date, renewed_any.label("renewed"))
        .join(Account, Account.id == Contract.account_id)
        .where(
            Contract.end_date < today,
            Contract.status.in_((ContractStatus.EXPIRED, ContractStatus.CANCELLED, ContractStatus.RENEWED)),
            Contract.deleted_at.is_(None),
            Account.deleted_at.is_(None),
        )
        .group_by(Contract.account_id, Contract.end_date)
        .order_by(Contract.end_date, Contract.account_id)
    )
    return [_Outcome(row.account_id, row.end_date, not row.renewed) for row in rows]


def _score_outcomes(
    session: Session,
    config: HealthConfig,
    catalogue: Mapping[str, HealthMeasure],
    outcomes: Sequence[_Outcome],
    days_before: int,
) -> list[tuple[_Outcome, AccountHealth]]:
    """One scoring pass per distinct replay day, restricted to the accounts with an outcome then."""
    by_day: dict[date, dict[int, _Outcome]] = defaultdict(dict)
    for outcome in outcomes:
        by_day[outcome.end_date - timedelta(days=days_before)][outcome.account_id] = outcome
    scored = []
    for day, day_outcomes in sorted(by_day.items()):
        accounts = select(Account.id, Account.segment).where(Account.id.in_(list(day_outcomes)))
        for health in score_book(session, config, catalogue, day, accounts):
            scored.append((day_outcomes[health.account_id], health))
    return scored


def _stored_outcomes(
    session: Session, outcomes: Sequence[_Outcome], days_before: int
) -> list[tuple[_Outcome, AccountHealth]]:
    """The snapshots stored for each outcome's replay day, read in one statement."""
    wanted = {(o.account_id, o.end_date - timedelta(days=days_before)): o for o in outcomes}
    if not wanted:
        return []
    snapshots = session.scalars(
        select(HealthSnapshot)
        .where(
            HealthSnapshot.day.in_({day for _, day in wanted}),
            HealthSnapshot.account_id.in_({account_id for account_id, _ in wanted}),
        )
        .order_by(HealthSnapshot.day, HealthSnapshot.account_id)
    )
    return [
        (wanted[snapshot.account_id, snapshot.day], AccountHealth.from_snapshot(snapshot))
        for snapshot in snapshots
        if (snapshot.account_id, snapshot.day) in wanted
    ]


def roc_auc(scores: Sequence[float], churned: Sequence[bool]) -> float | None:
    """P(a churned account scored below a renewed one), ties half (the Mann-Whitney U statistic).

    None when either class is empty, since nothing can then be separated.
    """
    positives = sum(churned)
    negatives = len(churned) - positives
    if positives == 0 or negatives == 0:
        return None
    ranks = _average_ranks([-score for score in scores])
    rank_sum = sum(rank for rank, is_churned in zip(ranks, churned, strict=True) if is_churned)
    u = rank_sum - positives * (positives + 1) / 2
    return u / (positives * negatives)


def _average_ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties sharing their average rank."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            ranks[order[position]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def _band_churn(scored: Sequence[tuple[_Outcome, AccountHealth]]) -> list[BandChurn]:
    return [
        BandChurn(
            band=band,
            outcomes=sum(1 for _, health in scored if health.band == band),
            churned=sum(1 for outcome, health in scored if health.band == band and outcome.churned),
        )
        for band in HealthBand
    ]


def _measure_separation(scored: Sequence[tuple[_Outcome, AccountHealth]]) -> list[MeasureSeparation]:
    per_measure: dict[str, tuple[list[int], list[bool]]] = defaultdict(lambda: ([], []))
    for outcome, health in scored:
        for measure in health.measures:
            scores, churned = per_measure[measure.key]
            scores.append(measure.score)
            churned.append(outcome.churned)
    separations = [
        MeasureSeparation(key, len(scores), roc_auc(scores, churned)) for key, (scores, churned) in per_measure.items()
    ]
    return sorted(separations, key=lambda s: (s.auc is None, -(s.auc or 0.0), s.key))
