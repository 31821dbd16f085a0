"""Writing a day's health: one snapshot per account and the per-measure history, idempotent per day."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import islice

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session, aliased

from acctgraph.domain.contract_history import record_contract_status_changes
from acctgraph.domain.events import EventType, publish
from acctgraph.domain.health.engine import AccountHealth, score_book
from acctgraph.domain.health.measures import HealthMeasure
from acctgraph.domain.health.scorecard import HealthConfig
from acctgraph.models import HealthBand, HealthMeasureScore, HealthSnapshot

WRITE_BATCH = 2000


@dataclass
class HealthRun:
    day: date
    accounts: int = 0
    bands: Counter[HealthBand] = field(default_factory=Counter)


def compute_health(
    session: Session,
    config: HealthConfig,
    catalogue: Mapping[str, HealthMeasure],
    day: date,
    today: date | None = None,
) -> HealthRun:
    """Score every account for ``day``, replacing that day's snapshots and measure history, and commit.

    Contract status changes seen ``today`` (default: the UTC date) are recorded first, so a past
    ``day`` is judged by the statuses contracts had then. Re-running for the same day gives the same
    rows (the day is replaced in one transaction), and so does re-running after later data arrived.
    """
    today = today or datetime.now(UTC).date()
    record_contract_status_changes(session, today)
    # Only today's run tells of band changes: a backfill of past days is history, not news.
    previous = _latest_bands(session, day) if day == today else {}
    session.execute(delete(HealthMeasureScore).where(HealthMeasureScore.day == day))
    session.execute(delete(HealthSnapshot).where(HealthSnapshot.day == day))
    run = HealthRun(day=day)
    scores = score_book(session, config, catalogue, day)
    while batch := list(islice(scores, WRITE_BATCH)):
        _write(session, day, batch)
        _publish_band_changes(session, day, previous, batch)
        run.accounts += len(batch)
        run.bands.update(health.band for health in batch)
    session.commit()
    return run


def _latest_bands(session: Session, day: date) -> dict[int, HealthBand]:
    """Each account's band in its latest snapshot on or before ``day`` (a re-run of ``day`` compares with
    that day's first run, so it announces nothing new). One read."""
    earlier = aliased(HealthSnapshot)
    latest_day = (
        select(func.max(earlier.day))
        .where(earlier.account_id == HealthSnapshot.account_id, earlier.day <= day)
        .scalar_subquery()
    )
    rows = session.execute(
        select(HealthSnapshot.account_id, HealthSnapshot.band).where(HealthSnapshot.day == latest_day)
    )
    return {account_id: band for account_id, band in rows}


def _publish_band_changes(
    session: Session, day: date, previous: Mapping[int, HealthBand], batch: list[AccountHealth]
) -> None:
    for health in batch:
        before = previous.get(health.account_id)
        if before is not None and before != health.band:
            publish(
                session,
                EventType.HEALTH_BAND_CHANGED,
                {
                    "account_id": health.account_id,
                    "day": day,
                    "from_band": before,
                    "to_band": health.band,
                    "score": health.score,
                },
            )


def _write(session: Session, day: date, batch: list[AccountHealth]) -> None:
    session.execute(
        insert(HealthSnapshot.__table__),
        [
            {"account_id": h.account_id, "day": day, "score": h.score, "band": h.band, "measures": h.snapshot_json()}
            for h in batch
        ],
    )
    session.execute(insert(HealthMeasureScore.__table__), list(_measure_rows(day, batch)))


def _measure_rows(day: date, batch: Iterable[AccountHealth]) -> Iterator[dict[str, object]]:
    for health in batch:
        for measure in health.measures:
            yield {
                "account_id": health.account_id,
                "day": day,
                "measure": measure.key,
                "raw_value": measure.raw_value,
                "score": measure.score,
                "weight": measure.weight,
            }
