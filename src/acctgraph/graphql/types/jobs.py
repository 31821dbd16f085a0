"""The job engine as admins see it: each scheduled job with its next run, last run and outcome."""

from __future__ import annotations

from datetime import datetime

import strawberry

from acctgraph.jobs.reads import ScheduledJob as ScheduledJobRow


@strawberry.type(description="A job the engine runs on a schedule: a connection's sync or a periodic job.")
class ScheduledJob:
    name: str = strawberry.field(description="`sync:CONNECTION` for a sync, else the job's name.")
    job: str = strawberry.field(description="The registered job it runs.")
    schedule: str = strawberry.field(description="An interval (15m, 1h) or a cron expression, in UTC.")
    enabled: bool = strawberry.field(description="False while it is not scheduled.")
    connection_name: str | None = strawberry.field(description="The connection it syncs, for a sync.")
    next_run_at: datetime | None = strawberry.field(description="When it is due next.")
    last_run_at: datetime | None = strawberry.field(description="When its last run started.")
    last_status: str | None = strawberry.field(
        description="How its last run ended: succeeded, failed, skipped, retrying, or running."
    )
    last_error: str | None = strawberry.field(description="The error of its last run, if it failed.")
    last_outcome: str | None = strawberry.field(description="What its last run did, in one line.")

    @classmethod
    def from_row(cls, row: ScheduledJobRow) -> ScheduledJob:
        return cls(
            name=row.name,
            job=row.job,
            schedule=row.schedule,
            enabled=row.enabled,
            connection_name=row.connection,
            next_run_at=row.next_run_at,
            last_run_at=row.last_run_at,
            last_status=row.last_status,
            last_error=row.last_error,
            last_outcome=row.last_outcome,
        )
