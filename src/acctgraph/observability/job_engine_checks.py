"""``acctgraph doctor``'s checks of the job engine: connection schedules and the job queue.

They read the engine's ``job_schedules`` and ``job_runs`` tables by name, so they work on any version:
a database without those tables (before the job engine) gets an ``info`` line, not a failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from sqlalchemy import Boolean, column, select, table
from sqlalchemy.orm import Session

from acctgraph.models import Connection
from acctgraph.models.base import UTCDateTime, utcnow
from acctgraph.observability.findings import Finding, Status, waiting_finding
from acctgraph.observability.readings import has_table, job_queue

WORKERS = table("job_workers", column("name"), column("heartbeat_at", UTCDateTime()))
WORKER_SILENT_AFTER = timedelta(minutes=2)
"""A worker whose last heartbeat is older is taken for stopped (it beats every ACCTGRAPH_JOB_TICK_SECONDS)."""

SCHEDULES = table(
    "job_schedules",
    column("name"),
    column("connection_id"),
    column("enabled", Boolean),
    column("last_status"),
    column("last_error"),
)


def check_schedules(session: Session) -> Iterator[Finding]:
    """Every connection has an enabled schedule, and no schedule's last run failed."""
    if not has_table(session, "job_schedules"):
        yield Finding("schedules", Status.INFO, "no job engine tables: syncs run only with `acctgraph sync run`")
        return
    rows = session.execute(
        select(Connection.name, SCHEDULES.c.enabled)
        .outerjoin(SCHEDULES, SCHEDULES.c.connection_id == Connection.id)
        .order_by(Connection.name)
    ).all()
    unscheduled = [name for name, enabled in rows if not enabled]
    if unscheduled:
        yield Finding(
            "schedules",
            Status.PROBLEM,
            f"{', '.join(unscheduled)} sync only by hand: give each a schedule, e.g. "
            "`acctgraph connections update NAME --schedule hourly`",
        )
    failed = session.execute(
        select(SCHEDULES.c.name, SCHEDULES.c.last_error).where(SCHEDULES.c.last_status == "failed")
    ).all()
    for name, error in failed:
        reason = (error or "no error recorded").splitlines()[0]
        yield Finding(f"schedule {name}", Status.PROBLEM, f"its last run failed ({reason}); see `acctgraph jobs list`")
    if not unscheduled and not failed:
        yield Finding("schedules", Status.OK, f"{len(rows)} connection(s) scheduled, no failed schedule")


def check_job_queue(session: Session) -> Iterator[Finding]:
    """Jobs waiting to start, and whether a worker is taking them."""
    queue = job_queue(session)
    if queue is None:
        return
    started = f"last job started {queue.last_start:%Y-%m-%d %H:%M} UTC" if queue.last_start else "no job ever started"
    yield waiting_finding("job queue", "job(s)", queue.waiting, queue.oldest, f" ({started})")


def check_workers(session: Session) -> Iterator[Finding]:
    """At least one worker whose heartbeat is recent: schedules and triggerSync need one."""
    if not has_table(session, "job_workers"):
        return
    beats = session.execute(select(WORKERS.c.name, WORKERS.c.heartbeat_at).order_by(WORKERS.c.name)).all()
    alive = [name for name, beat in beats if beat is not None and utcnow() - beat <= WORKER_SILENT_AFTER]
    if alive:
        yield Finding("workers", Status.OK, f"{len(alive)} worker(s) alive: {', '.join(alive[:3])}")
    elif beats:
        last = max(beat for _, beat in beats)
        yield Finding(
            "workers",
            Status.PROBLEM,
            f"no worker has beaten since {last:%Y-%m-%d %H:%M} UTC: start one with `acctgraph worker`",
        )
    elif session.scalar(select(Connection.id).limit(1)) is None and not session.scalar(
        select(SCHEDULES.c.name).limit(1)
    ):
        yield Finding("workers", Status.INFO, "no worker has run yet; nothing is scheduled either")
    else:
        yield Finding(
            "workers", Status.PROBLEM, "no worker has ever run: schedules and triggerSync need `acctgraph worker`"
        )
