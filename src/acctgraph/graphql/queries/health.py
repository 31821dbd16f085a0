"""``healthMeasureHistory`` (the per-measure trend) and ``healthConfiguration`` (the active scorecards)."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated

import strawberry
from sqlalchemy import select
from strawberry.scalars import JSON

from acctgraph import models
from acctgraph.domain.health.service import configured_health
from acctgraph.graphql.context import Info
from acctgraph.graphql.date_ranges import date_range
from acctgraph.graphql.ids import decode_id
from acctgraph.graphql.types.alerts import HealthMeasurePoint
from acctgraph.integration.plugins import plugin_manager


@strawberry.type
class HealthQueries:
    @strawberry.field(
        description="Each measure's daily raw value and score for an account (default: the last 90 days)."
    )
    async def health_measure_history(
        self,
        info: Info,
        account_id: strawberry.ID,
        measures: list[str] | None = None,
        since: Annotated[date | None, strawberry.argument(name="from")] = None,
        until: Annotated[date | None, strawberry.argument(name="to")] = None,
    ) -> list[HealthMeasurePoint]:
        since, until = date_range(since, until, info.context.today)
        score = models.HealthMeasureScore
        statement = select(score).where(
            score.account_id == decode_id(account_id, "Account"), score.day >= since, score.day <= until
        )
        if measures is not None:
            statement = statement.where(score.measure.in_(measures))
        rows = await info.context.db.scalars(statement.order_by(score.day, score.measure))
        return [HealthMeasurePoint.from_row(row) for row in rows]

    @strawberry.field(description="The scorecards (per segment) and alert settings in force, as a JSON document.")
    async def health_configuration(self, info: Info) -> JSON:
        config, _ = await asyncio.to_thread(
            configured_health, info.context.settings, plugin_manager(info.context.settings)
        )
        return JSON(config.model_dump(mode="json"))
