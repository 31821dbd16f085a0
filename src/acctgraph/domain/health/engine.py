"""Scoring the whole book for a day in a bounded number of statements and bounded memory.

Every measure is one grouped query streamed in account order; the engine walks the accounts once and
merges the measure streams like a merge join, so statements do not grow with the number of accounts
and only one batch of rows per stream is held in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Row, Select, select, text
from sqlalchemy.orm import Session

from acctgraph.domain.contract_history import existed_on, in_force_on
from acctgraph.domain.health.history import reference_scores
from acctgraph.domain.health.measures import HealthMeasure, MeasureParams
from acctgraph.domain.health.scorecard import BandCutoffs, HealthConfig, MeasureConfig, measure_params
from acctgraph.models import Account, Contract, HealthBand, HealthSnapshot, LifecycleStage

TREND_DAYS = 30
STREAM_BATCH = 2000


@dataclass(frozen=True)
class MeasureResult:
    key: str
    label: str
    raw_value: float
    score: int
    weight: float
    explanation: str


@dataclass(frozen=True)
class AccountHealth:
    account_id: int
    scorecard: str
    score: int
    band: HealthBand
    measures: tuple[MeasureResult, ...]
    missing: tuple[str, ...]
    trend: int | None

    @classmethod
    def from_snapshot(cls, snapshot: HealthSnapshot) -> AccountHealth:
        """The health a stored snapshot recorded (as written by ``snapshot_json``)."""
        document = snapshot.measures
        return cls(
            account_id=snapshot.account_id,
            scorecard=document.get("scorecard", ""),
            score=snapshot.score,
            band=snapshot.band,
            measures=tuple(
                MeasureResult(m["key"], m["label"], m["raw_value"], m["score"], m["weight"], m["explanation"])
                for m in document.get("measures", [])
            ),
            missing=tuple(document.get("missing", [])),
            trend=document.get("trend"),
        )

    def snapshot_json(self) -> dict[str, Any]:
        """The ``HealthSnapshot.measures`` document the API serves."""
        return {
            "scorecard": self.scorecard,
            "measures": [
                {
                    "key": m.key,
                    "label": m.label,
                    "raw_value": m.raw_value,
                    "score": m.score,
                    "weight": m.weight,
                    "explanation": m.explanation,
                }
                for m in self.measures
            ],
            "missing": list(self.missing),
            "trend": self.trend,
        }


def scored_accounts(as_of: date) -> Select[*tuple[Any, ...]]:
    """The accounts in the book on ``as_of``: not deleted upstream by then, and not churned by then.

    An account churned today was still a customer on the days it had a contract in force, so
    recomputing a past day scores it as it was, and the stored history can replay the backtest.
    """
    still_customer = Account.id.in_(select(Contract.account_id).where(Contract.id.in_(in_force_on(as_of))))
    return select(Account.id, Account.segment).where(
        existed_on(Account.deleted_at, as_of),
        (Account.lifecycle_stage != LifecycleStage.CHURNED) | still_customer,
    )


def score_book(
    session: Session,
    config: HealthConfig,
    catalogue: Mapping[str, HealthMeasure],
    as_of: date,
    accounts: Select[*tuple[Any, ...]] | None = None,
) -> Iterator[AccountHealth]:
    """Health of every account of ``accounts`` (SELECT id, segment; default: ``scored_accounts(as_of)``)
    that has data for at least one measure, in account id order."""
    narrow = accounts is not None
    accounts = accounts if accounts is not None else scored_accounts(as_of)
    account_ids = accounts.with_only_columns(accounts.selected_columns[0])
    if session.get_bind().dialect.name == "postgresql":
        # Cursors are planned for their first 10 % of rows by default; we read them to the end.
        session.execute(text("SET LOCAL cursor_tuple_fraction = 1.0"))
    plans = _plan(session, config, catalogue, as_of, account_ids, narrow)
    previous = _MergeCursor(_stream(session, _in_accounts(reference_scores(as_of, TREND_DAYS), account_ids)))
    for account in _stream(session, accounts.order_by(accounts.selected_columns[0])):
        name = config.scorecard_name(account.segment)
        health = _score_account(account.id, name, plans[name], as_of, previous.take(account.id))
        if health is not None:
            yield health


class _MergeCursor:
    """A stream of rows ordered by account_id, advanced in step with the accounts."""

    def __init__(self, rows: Iterator[Row[Any]]) -> None:
        self._rows = rows
        self._next = next(rows, None)

    def take(self, account_id: int) -> Row[Any] | None:
        while self._next is not None and self._next.account_id < account_id:
            self._next = next(self._rows, None)
        if self._next is None or self._next.account_id != account_id:
            return None
        row, self._next = self._next, next(self._rows, None)
        return row


@dataclass(frozen=True)
class _PlannedMeasure:
    """A scorecard's measure with its parsed parameters and the stream of its rows."""

    config: MeasureConfig
    measure: HealthMeasure
    params: MeasureParams
    rows: _MergeCursor


@dataclass(frozen=True)
class _ScorecardPlan:
    bands: BandCutoffs
    measures: tuple[_PlannedMeasure, ...]


def _plan(
    session: Session,
    config: HealthConfig,
    catalogue: Mapping[str, HealthMeasure],
    as_of: date,
    account_ids: Select[*tuple[Any, ...]],
    narrow: bool,
) -> dict[str, _ScorecardPlan]:
    """One stream per measure and parameter set, shared by the scorecards that use it.

    When only some accounts are scored (``narrow``), per-account measures are filtered before they
    group, so a replay of a few accounts does not aggregate the whole book.
    """
    streams: dict[str, tuple[MeasureParams, _MergeCursor]] = {}
    plans: dict[str, _ScorecardPlan] = {}
    for name, scorecard in config.scorecards.items():
        planned = []
        for measure_config in scorecard.measures:
            measure = catalogue[measure_config.key]
            key = measure_config.key + json.dumps(measure_config.params, sort_keys=True)
            if key not in streams:
                params = measure_params(measure, measure_config)
                statement = measure.rows(as_of, params)
                if narrow and measure.per_account:
                    statement = statement.where(statement.selected_columns[0].in_(account_ids))
                rows = _stream(session, _in_accounts(statement, account_ids))
                streams[key] = (params, _MergeCursor(rows))
            params, cursor = streams[key]
            planned.append(_PlannedMeasure(measure_config, measure, params, cursor))
        plans[name] = _ScorecardPlan(scorecard.bands, tuple(planned))
    return plans


def _in_accounts(rows: Select[*tuple[Any, ...]], account_ids: Select[*tuple[Any, ...]]) -> Select[*tuple[Any, ...]]:
    subquery = rows.subquery()
    return select(subquery).where(subquery.c.account_id.in_(account_ids)).order_by(subquery.c.account_id)


def _stream(session: Session, statement: Select[*tuple[Any, ...]]) -> Iterator[Row[Any]]:
    result = session.execute(statement, execution_options={"stream_results": True, "yield_per": STREAM_BATCH})
    yield from result


def _score_account(
    account_id: int, scorecard_name: str, plan: _ScorecardPlan, as_of: date, previous: Row[Any] | None
) -> AccountHealth | None:
    present: list[tuple[_PlannedMeasure, float, int, str]] = []
    missing: list[str] = []
    has_data = False
    for planned in plan.measures:
        measure = planned.measure
        row = planned.rows.take(account_id)
        raw = measure.absent_value if row is None else measure.raw_value(row, as_of, planned.params)
        if raw is None:
            missing.append(measure.key)
        else:
            has_data = has_data or row is not None
            explanation = measure.explain(row, raw, as_of, planned.params)
            present.append((planned, raw, planned.config.score(raw), explanation))
    # An absent value (no overdue invoice, no open ticket) is only meaningful next to real data: an
    # account with no row in any measure has no data at all and gets no score, not a perfect one.
    if not has_data:
        return None
    total_weight = sum(planned.config.weight for planned, *_ in present)
    score = round(sum(planned.config.weight * measure_score for planned, _, measure_score, _ in present) / total_weight)
    results = tuple(
        MeasureResult(
            key=planned.measure.key,
            label=planned.measure.label,
            raw_value=round(raw, 4),
            score=measure_score,
            weight=round(planned.config.weight / total_weight, 4),
            explanation=explanation,
        )
        for planned, raw, measure_score, explanation in present
    )
    return AccountHealth(
        account_id=account_id,
        scorecard=scorecard_name,
        score=score,
        band=plan.bands.band(score),
        measures=results,
        missing=tuple(missing),
        trend=None if previous is None else score - previous.reference_score,
    )
