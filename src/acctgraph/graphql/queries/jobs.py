"""``jobs``: the job engine's schedules, their next and last runs and outcomes (admins)."""

from __future__ import annotations

import strawberry

from acctgraph.graphql.context import Info
from acctgraph.graphql.types.jobs import ScheduledJob
from acctgraph.jobs.reads import MOST_SCHEDULES, scheduled_jobs


@strawberry.type
class JobQueries:
    @strawberry.field(
        description=f"Every scheduled job by name (at most {MOST_SCHEDULES}): schedule, next run, last run, outcome."
    )
    async def jobs(self, info: Info) -> list[ScheduledJob]:
        rows = await info.context.db.run_sync(scheduled_jobs)
        return [ScheduledJob.from_row(row) for row in rows]
