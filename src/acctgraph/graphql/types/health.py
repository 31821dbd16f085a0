"""Health: the latest daily snapshot of an account's score, and its measures."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry
from strawberry.scalars import JSON

from acctgraph import models
from acctgraph.graphql.types.enums import HealthBand, Sentiment


@strawberry.type(description="One measure of a health score: its raw value, its 0-100 score and its weight.")
class HealthMeasure:
    key: str
    label: str
    raw_value: float | None
    score: float | None
    weight: float
    explanation: str | None


@strawberry.type(description="An account's health on a day.")
class Health:
    day: date
    score: int = strawberry.field(description="0-100.")
    band: HealthBand
    trend: int | None = strawberry.field(description="Score change over the last 30 days, when known.")
    measures: list[HealthMeasure]
    missing: list[str] = strawberry.field(description="Keys of the measures left out for lack of data.")
    details: JSON = strawberry.field(description="The snapshot's measures document as stored.")

    @classmethod
    def of_columns(cls, day: date, score: int, band: HealthBand) -> Health:
        """A snapshot read without its measures document: for a selection of day, score and band only."""
        return cls(day=day, score=score, band=band, trend=None, measures=[], missing=[], details=JSON({}))

    @classmethod
    def from_row(cls, row: models.HealthSnapshot) -> Health:
        document: dict[str, Any] = row.measures or {}
        return cls(
            day=row.day,
            score=row.score,
            band=row.band,
            trend=document.get("trend"),
            measures=[_measure(item) for item in document.get("measures", [])],
            missing=list(document.get("missing", [])),
            details=JSON(document),
        )


def _measure(item: dict[str, Any]) -> HealthMeasure:
    return HealthMeasure(
        key=item["key"],
        label=item.get("label", item["key"]),
        raw_value=item.get("raw_value"),
        score=item.get("score"),
        weight=item.get("weight", 0.0),
        explanation=item.get("explanation"),
    )


@strawberry.type(description="An account manager's sentiment on an account, valid for a while.")
class AccountSentiment:
    sentiment: Sentiment
    note: str | None = strawberry.field(description="Why, as the account manager wrote it.")
    recorded_on: date = strawberry.field(description="The day it counts from.")
    valid_until: date = strawberry.field(description="The last day it counts in health; stale afterwards.")

    @classmethod
    def from_row(cls, row: models.AccountSentiment) -> AccountSentiment:
        return cls(sentiment=row.sentiment, note=row.note, recorded_on=row.recorded_on, valid_until=row.valid_until)
