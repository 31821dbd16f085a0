"""Health: the latest daily snapshot of an account's score, and its measures."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry
from strawberry.scalars import JSON

from acctgraph import models
from acctgraph.graphql.types.enums import HealthBand


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
