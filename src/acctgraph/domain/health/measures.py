"""The contract of a health measure, the one thing a plugin implements to add a measure.

A measure is a set-based query: for a day, one row per account that has data, with ``account_id``
first. The engine streams it ordered by account, so a measure costs one statement for the whole book.
Only data known on that day may be read (the backtest replays past days with the same queries).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Row, Select


class MeasureParams(BaseModel):
    """Parameters a scorecard may set for a measure; unknown names are an error."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class HealthMeasure(ABC):
    """A health measure: a raw value per account and day, which the scorecard turns into 0-100.

    ``absent_value`` is the raw value of an account without a row (e.g. no open tickets is a support
    load of 0); ``None`` means such an account has no data for the measure, which is then left out.
    ``per_account`` says an account's row depends on that account's rows only, so the engine may
    filter by account before grouping when it scores a few accounts (the backtest); a measure that
    compares accounts with each other (e.g. a percentile among peers) must set it to False.
    """

    key: ClassVar[str]
    label: ClassVar[str]
    params_model: ClassVar[type[MeasureParams]] = MeasureParams
    absent_value: ClassVar[float | None] = None
    per_account: ClassVar[bool] = True

    @abstractmethod
    def rows(self, as_of: date, params: Any) -> Select[*tuple[Any, ...]]:
        """SELECT account_id, ...: at most one row per account, from data known on ``as_of``."""

    @abstractmethod
    def raw_value(self, row: Row[Any], as_of: date, params: Any) -> float | None:
        """The raw value of a row; ``None`` when the row says the data is unusable (e.g. stale)."""

    @abstractmethod
    def explain(self, row: Row[Any] | None, raw: float, as_of: date, params: Any) -> str:
        """One sentence an account manager understands; ``row`` is None for an absent account."""


def end_of_day(day: date) -> datetime:
    """The first instant after ``day`` in UTC: timestamps known on ``day`` are strictly before it."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)
