"""Voice of the customer: the Net Promoter Score and the survey response rate of the book, a segment, an
account manager's book or an account, over a period (formulas in docs/metrics.md)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, distinct, func, literal, select
from sqlalchemy.orm import Session

from acctgraph.domain.revenue.period import Period
from acctgraph.models import Account, LifecycleStage, NpsResponse

PROMOTER_MIN_SCORE = 9
DETRACTOR_MAX_SCORE = 6


class NpsGrouping(enum.StrEnum):
    BOOK = "book"
    SEGMENT = "segment"
    OWNER = "owner"
    ACCOUNT = "account"


@dataclass(frozen=True)
class NpsFigures:
    """One group's responses in the period and its accounts; ``key`` is the segment, owner id or account id."""

    key: Any
    responses: int
    promoters: int
    detractors: int
    accounts: int
    responding_accounts: int

    @property
    def passives(self) -> int:
        return self.responses - self.promoters - self.detractors

    @property
    def score(self) -> float | None:
        """% promoters - % detractors, from -100 to 100; None without responses."""
        if not self.responses:
            return None
        return 100 * (self.promoters - self.detractors) / self.responses

    @property
    def response_rate(self) -> float | None:
        """The share of the group's customer accounts that answered at least once; None without accounts."""
        return self.responding_accounts / self.accounts if self.accounts else None


def _group_key(grouping: NpsGrouping) -> ColumnElement[Any]:
    columns = {
        NpsGrouping.BOOK: literal("book"),
        NpsGrouping.SEGMENT: Account.segment,
        NpsGrouping.OWNER: Account.owner_id,
        NpsGrouping.ACCOUNT: Account.id,
    }
    return columns[grouping].label("key")


def _customer() -> ColumnElement[bool]:
    """Accounts a survey goes to: in the book (not archived or deleted upstream) and not churned."""
    return and_(
        Account.archived_at.is_(None), Account.deleted_at.is_(None), Account.lifecycle_stage != LifecycleStage.CHURNED
    )


def nps(session: Session, period: Period, grouping: NpsGrouping) -> list[NpsFigures]:
    """Every group with responses in ``period`` or customer accounts, by key: two queries."""
    key = _group_key(grouping)
    start = datetime.combine(period.start, time.min, tzinfo=UTC)
    end = datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=UTC)
    answered = session.execute(
        select(
            key,
            func.count(),
            func.sum(case((NpsResponse.score >= PROMOTER_MIN_SCORE, 1), else_=0)),
            func.sum(case((NpsResponse.score <= DETRACTOR_MAX_SCORE, 1), else_=0)),
            func.count(distinct(case((_customer(), NpsResponse.account_id)))),
        )
        .join(Account, Account.id == NpsResponse.account_id)
        .where(
            NpsResponse.responded_at >= start,
            NpsResponse.responded_at < end,
            NpsResponse.deleted_at.is_(None),
            Account.deleted_at.is_(None),
        )
        .group_by(key)
    ).all()
    accounts: dict[Any, int] = {
        group: count for group, count in session.execute(select(key, func.count()).where(_customer()).group_by(key))
    }
    figures = {
        row[0]: NpsFigures(row[0], row[1], int(row[2]), int(row[3]), accounts.get(row[0], 0), row[4])
        for row in answered
    }
    for group, count in accounts.items():
        figures.setdefault(group, NpsFigures(group, 0, 0, 0, count, 0))
    return sorted(figures.values(), key=lambda figure: (figure.key is None, figure.key))
