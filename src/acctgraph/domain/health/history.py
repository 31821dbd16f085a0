"""Reading health history: the score an account had some days ago, for trends and score-drop alerts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, select

from acctgraph.models import HealthSnapshot

REFERENCE_TOLERANCE_DAYS = 7


def reference_scores(as_of: date, days_back: int) -> Select[*tuple[Any, ...]]:
    """SELECT account_id, reference_day, reference_score: each account's latest snapshot ``days_back``
    days before ``as_of``, or up to a week earlier when health was not computed that day."""
    latest_day = as_of - timedelta(days=days_back)
    reference_days = (
        select(HealthSnapshot.account_id, func.max(HealthSnapshot.day).label("day"))
        .where(
            HealthSnapshot.day <= latest_day,
            HealthSnapshot.day >= latest_day - timedelta(days=REFERENCE_TOLERANCE_DAYS),
        )
        .group_by(HealthSnapshot.account_id)
        .subquery()
    )
    return select(
        HealthSnapshot.account_id,
        HealthSnapshot.day.label("reference_day"),
        HealthSnapshot.score.label("reference_score"),
    ).join(
        reference_days,
        and_(reference_days.c.account_id == HealthSnapshot.account_id, reference_days.c.day == HealthSnapshot.day),
    )
