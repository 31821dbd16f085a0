"""``acctgraph doctor``'s checks of a deployment: each finding says what is wrong and what to run to fix it.

Checks run in order and stop at the first one the later ones depend on (no database, no schema).
The job engine's checks apply when its tables exist; a deployment without them is told so, not failed.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from acctgraph.db import DatabaseConfigError, check_connection, sync_sessionmaker
from acctgraph.migrations import pending_revisions
from acctgraph.models import Role, SyncRunStatus, User
from acctgraph.models.base import utcnow
from acctgraph.notifications.doctor_checks import check_outbox, check_webhook_endpoints
from acctgraph.observability.findings import Check, Finding, Status, waiting_finding
from acctgraph.observability.job_engine_checks import check_job_queue, check_schedules, check_workers
from acctgraph.observability.readings import connection_syncs, sync_request_queue


def diagnose(engine: Engine) -> list[Finding]:
    """Every finding about the deployment behind ``engine``."""
    try:
        check_connection(engine)
    except DatabaseConfigError as error:
        return [Finding("database", Status.PROBLEM, str(error))]
    findings = [Finding("database", Status.OK, f"reachable ({engine.dialect.name})")]
    current, head = pending_revisions(engine)
    if head is not None:
        found = f"is at revision {current}" if current else "has no acctgraph tables"
        return [
            *findings,
            Finding("schema", Status.PROBLEM, f"the database {found}, not {head}: run `acctgraph db upgrade`"),
        ]
    findings.append(Finding("schema", Status.OK, "at the newest migration"))
    with sync_sessionmaker(engine)() as session:
        for check in CHECKS:
            findings.extend(check(session))
    return findings


def check_admin(session: Session) -> Iterator[Finding]:
    admins = session.scalars(select(User.email).where(User.role == Role.ADMIN, User.active.is_(True))).all()
    if admins:
        yield Finding("users", Status.OK, f"{len(admins)} active admin(s): {', '.join(sorted(admins)[:3])}")
    else:
        yield Finding("users", Status.PROBLEM, "no active admin: run `acctgraph init --admin-email YOU@EXAMPLE.COM`")


def check_connections(session: Session) -> Iterator[Finding]:
    syncs = connection_syncs(session)
    if not syncs:
        yield Finding("connections", Status.INFO, "no connections yet: add one with `acctgraph connections add`")
    for sync in syncs:
        name = f"connection {sync.name}"
        if sync.last_status is SyncRunStatus.RUNNING:
            yield Finding(name, Status.INFO, "a sync is running now")
        elif sync.last_status is SyncRunStatus.FAILED:
            yield Finding(
                name,
                Status.PROBLEM,
                f"the last sync failed ({(sync.last_error or 'no error recorded').splitlines()[0]}); "
                f"fix it, check with `acctgraph connections check {sync.name}`, then `acctgraph sync run {sync.name}`",
            )
        elif sync.last_success is None:
            yield Finding(name, Status.PROBLEM, f"never synced successfully: run `acctgraph sync run {sync.name}`")
        else:
            hours = (utcnow() - sync.last_success).total_seconds() / 3600
            yield Finding(name, Status.OK, f"last successful sync {hours:.1f} h ago")


def check_sync_queue(session: Session) -> Iterator[Finding]:
    queue = sync_request_queue(session)
    yield waiting_finding("worker", "sync request(s)", queue.waiting, queue.oldest)


CHECKS: list[Check] = [
    check_admin,
    check_connections,
    check_sync_queue,
    check_workers,
    check_schedules,
    check_job_queue,
    check_outbox,
    check_webhook_endpoints,
]
"""The checks after the database and schema, in the order they print."""
