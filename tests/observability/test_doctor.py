"""`acctgraph doctor`: a fresh database is told to upgrade, a migrated one without an admin to run init,
a failing or never-synced connection and a stuck sync queue are problems; exit code 1 on any problem."""

from __future__ import annotations

from datetime import timedelta

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import Engine
from typer.testing import CliRunner, Result

from acctgraph import models as m
from acctgraph.cli import app
from acctgraph.db import sync_sessionmaker
from acctgraph.models.base import utcnow
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

    assert set(found) == {"connection billing", "connection support", "worker", "workers", "schedules"}
    assert found["workers"] == "no worker has ever run: schedules and triggerSync need `acctgraph worker`"
    assert found["connection billing"].startswith("the last sync failed (401 Unauthorized)")
    assert found["connection support"] == "never synced successfully: run `acctgraph sync run support`"
    assert "1 sync request(s) waiting, the oldest for 30 min" in found["worker"]


def test_a_healthy_deployment_exits_0(db_url: str, sample: SampleData, monkeypatch: pytest.MonkeyPatch) -> None:
    sample.user(role=m.Role.ADMIN, email="root@corp.example")
    sample.session.add(m.JobWorker(name="host-a:12", heartbeat_at=utcnow()))
    sample.session.commit()
    result = doctor(db_url, monkeypatch)
    assert result.exit_code == 0, result.output
    assert "ok      users: 1 active admin(s): root@corp.example" in result.output
    assert result.output.strip().endswith("all good")


def test_schedules_workers_and_the_job_queue_are_checked(engine: Engine, sample: SampleData) -> None:
    now = utcnow()
    sample.user(role=m.Role.ADMIN)
    scheduled, unscheduled = sample.connection(name="crm"), sample.connection(name="sheet")
    sample.session.add(m.SyncRun(connection_id=scheduled.id, status=m.SyncRunStatus.SUCCEEDED, finished_at=now))
    sample.session.add(m.SyncRun(connection_id=unscheduled.id, status=m.SyncRunStatus.SUCCEEDED, finished_at=now))
    schedule = {"job": "sync-connection", "schedule": "1h", "enabled": True, "next_run_at": now}
    sample.session.add_all(
        [
            m.JobSchedule(name="sync:crm", connection_id=scheduled.id, last_status="succeeded", **schedule),
            m.JobSchedule(name="health", last_status="failed", last_error="boom\nx", **schedule),
            m.JobRun(job="sync-connection", task_id="t-1", queued_at=now - timedelta(minutes=25)),
            m.JobWorker(name="host-a:12", heartbeat_at=now - timedelta(minutes=10)),
        ]
    )
    sample.session.commit()

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
        "workers": f"no worker has beaten since {now - timedelta(minutes=10):%Y-%m-%d %H:%M} UTC: "
        "start one with `acctgraph worker`",
    }
