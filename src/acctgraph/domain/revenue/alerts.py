"""Alert figures of a book or a team: alerts not yet resolved, and how fast alerts get resolved.

Alerts count for their own owner, the owner at the time: a transfer moves unresolved alerts with the
account (unless kept) and leaves a resolved one with whoever held it.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from acctgraph.domain.revenue.period import Period
from acctgraph.models import Account, Alert, AlertStatus


def open_alert_count(session: Session, accounts: Select[int]) -> int:
    """Alerts on ``accounts`` still open or acknowledged."""
    query = select(func.count()).where(Alert.account_id.in_(accounts), Alert.status != AlertStatus.RESOLVED)
    return session.scalar(query) or 0


@dataclass
class AlertFigures:
    open_count: int = 0
    days_to_resolve: list[float] = field(default_factory=list)

    @property
    def median_days_to_resolve(self) -> float | None:
        """Median of resolved minus raised, in days, over the alerts resolved in the period."""
        return round(statistics.median(self.days_to_resolve), 1) if self.days_to_resolve else None


def alert_figures_by_owner(session: Session, owners: Select[int], period: Period) -> dict[int | None, AlertFigures]:
    """Per owner among ``owners``: alerts not resolved now, and the resolution times of alerts resolved in
    ``period``."""
    resolved_from = datetime.combine(period.start, time.min, tzinfo=UTC)
    resolved_before = datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=UTC)
    resolved_in_period = (Alert.resolved_at >= resolved_from) & (Alert.resolved_at < resolved_before)
    query = (
        select(Alert.owner_id, Alert.status, Alert.raised_at, Alert.resolved_at)
        .join(Account, Account.id == Alert.account_id)
        .where(Alert.owner_id.in_(owners), (Alert.status != AlertStatus.RESOLVED) | resolved_in_period)
    )
    figures: dict[int | None, AlertFigures] = defaultdict(AlertFigures)
    for owner_id, status, raised_at, resolved_at in session.execute(query):
        if status is not AlertStatus.RESOLVED:
            figures[owner_id].open_count += 1
        elif resolved_at is not None:
            figures[owner_id].days_to_resolve.append((resolved_at - raised_at) / timedelta(days=1))
    return figures
