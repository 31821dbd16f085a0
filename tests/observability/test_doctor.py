"""`acctgraph doctor`: a fresh database is told to upgrade, a migrated one without an admin to run init,
a failing or never-synced connection and a stuck sync queue are problems; exit code 1 on any problem."""

from __future__ import annotations

from datetime import timedelta

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import JSON, Boolean, Engine, column, insert, inspect, table, text
from typer.testing import CliRunner, Result

from acctgraph import migrations
from acctgraph import models as m
from acctgraph.cli import app
from acctgraph.db import create_sync_engine, sync_sessionmaker
from acctgraph.models.base import UTCDateTime, utcnow
from acctgraph.observability.doctor import diagnose
from acctgraph.observability.findings import Finding, Status
from acctgraph.observability.readings import refresh_gauges
from acctgraph.settings import get_settings
from tests.fixtures import SampleData
from tests.test_cli import acctgraph


def problems(findings: list[Finding]) -> dict[str, str]:
    return {finding.check: finding.message for finding in findings if finding.status is Status.PROBLEM}


def test_a_fresh_database_is_told_to_upgrade_with_exit_code_1(backend: str, new_database_url) -> None:
    url = new_database_url(backend)
    result = acctgraph("doctor", database_url=url)

    assert result.returncode == 1
    assert "problem schema: the database has no acctgraph tables" in result.stdout
    assert "run `acctgraph db upgrade`" in result.stdout
    assert result.stdout.strip().endswith("1 problem(s)")


def doctor(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Result:
    monkeypatch.setenv("ACCTGRAPH_DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(app, ["doctor"])
    finally:
        get_settings.cache_clear()


def test_an_unreachable_database_is_a_problem_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    result = doctor("postgresql://postgres@127.0.0.1:1/acctgraph", monkeypatch)
    assert result.exit_code == 1
    assert "problem database: cannot reach the database" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_migrated_database_without_an_admin_is_told_to_run_init(engine: Engine, db_url: str) -> None:
    assert problems(diagnose(engine)) == {
        "users": "no active admin: run `acctgraph init --admin-email YOU@EXAMPLE.COM`"
    }


def test_connections_and_the_sync_queue_are_checked(engine: Engine, sample: SampleData) -> None:
    sample.user(role=m.Role.ADMIN)
    healthy, broken, new = (sample.connection(name=name) for name in ("crm", "billing", "support"))
    now = utcnow()
    sample.session.add_all(
        [
            m.SyncRun(connection_id=healthy.id, status=m.SyncRunStatus.SUCCEEDED, started_at=now, finished_at=now),
            m.SyncRun(
                connection_id=broken.id,
                status=m.SyncRunStatus.FAILED,
                started_at=now,
                finished_at=now,
                error="401 Unauthorized\ndetails",
            ),
            m.SyncRequest(connection_id=new.id, created_at=now - timedelta(minutes=30)),
        ]
    )
    sample.session.commit()

    found = problems(diagnose(engine))

    assert set(found) == {"connection billing", "connection support", "worker"}
    assert found["connection billing"].startswith("the last sync failed (401 Unauthorized)")
    assert found["connection support"] == "never synced successfully: run `acctgraph sync run support`"
    assert "1 sync request(s) waiting, the oldest for 30 min" in found["worker"]


def test_a_healthy_deployment_exits_0(db_url: str, sample: SampleData, monkeypatch: pytest.MonkeyPatch) -> None:
    sample.user(role=m.Role.ADMIN, email="root@corp.example")
    sample.session.commit()
    result = doctor(db_url, monkeypatch)
    assert result.exit_code == 0, result.output
    assert "ok      users: 1 active admin(s): root@corp.example" in result.output
    assert result.output.strip().endswith("all good")


JOB_TABLES = (
    """CREATE TABLE job_schedules (id INTEGER PRIMARY KEY, name VARCHAR(160) NOT NULL, task VARCHAR(80) NOT NULL,
    connection_id INTEGER, expression VARCHAR(120) NOT NULL, enabled BOOLEAN NOT NULL, next_run_at DATETIME NOT NULL,
    last_run_at DATETIME, last_status VARCHAR(32), last_error TEXT, created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL)""",
    """CREATE TABLE job_runs (id INTEGER PRIMARY KEY, task VARCHAR(80) NOT NULL, arguments JSON NOT NULL,
    status VARCHAR(16) NOT NULL, attempts INTEGER NOT NULL, max_attempts INTEGER NOT NULL, queued_at DATETIME NOT NULL,
    started_at DATETIME)""",
)
"""The job engine's tables as its migration creates them (used only where that migration is absent)."""

NEW_SCHEDULE = table(
    "job_schedules",
    column("name"),
    column("task"),
    column("connection_id"),
    column("expression"),
    column("enabled", Boolean),
    column("next_run_at", UTCDateTime()),
    column("last_status"),
    column("last_error"),
    column("created_at", UTCDateTime()),
    column("updated_at", UTCDateTime()),
)
NEW_RUN = table(
    "job_runs",
    column("task"),
    column("arguments", JSON),
    column("status"),
    column("attempts"),
    column("max_attempts"),
    column("queued_at", UTCDateTime()),
)


def test_schedules_and_the_job_queue_are_checked_when_the_job_engine_is_there(new_database_url) -> None:
    url = new_database_url("sqlite")
    migrations.upgrade(url)
    engine = create_sync_engine(url)
    with engine.begin() as connection:
        if not inspect(connection).has_table("job_runs"):
            for ddl in JOB_TABLES:
                connection.execute(text(ddl))
    now = utcnow()
    with sync_sessionmaker(engine)() as session:
        sample = SampleData(session)
        sample.user(role=m.Role.ADMIN)
        scheduled, unscheduled = sample.connection(name="crm"), sample.connection(name="sheet")
        session.add(m.SyncRun(connection_id=scheduled.id, status=m.SyncRunStatus.SUCCEEDED, finished_at=now))
        session.add(m.SyncRun(connection_id=unscheduled.id, status=m.SyncRunStatus.SUCCEEDED, finished_at=now))
        session.flush()
        schedule = {"task": "sync", "expression": "hourly", "enabled": True, "next_run_at": now}
        schedule |= {"created_at": now, "updated_at": now}
        session.execute(
            insert(NEW_SCHEDULE),
            [
                {
                    **schedule,
                    "name": "sync:crm",
                    "connection_id": scheduled.id,
                    "last_status": "succeeded",
                    "last_error": None,
                },
                {**schedule, "name": "health", "connection_id": None, "last_status": "failed", "last_error": "boom\nx"},
            ],
        )
        waiting = {"task": "sync", "arguments": {}, "status": "queued", "attempts": 0, "max_attempts": 3}
        session.execute(insert(NEW_RUN), [{**waiting, "queued_at": now - timedelta(minutes=25)}])
        session.commit()

    found = problems(diagnose(engine))
    with sync_sessionmaker(engine)() as session:
        refresh_gauges(session)
    engine.dispose()

    assert REGISTRY.get_sample_value("acctgraph_queue_depth", {"queue": "jobs"}) == 1

    assert found == {
        "schedules": "sheet sync only by hand: give each a schedule, e.g. "
        "`acctgraph connections update NAME --schedule hourly`",
        "schedule health": "its last run failed (boom); see `acctgraph jobs list`",
        "job queue": "1 job(s) waiting, the oldest for 25 min (no job ever started): no worker is taking them; "
        "start one with `acctgraph worker`",
    }
