"""The job engine's commands: `connections add/update --schedule`, `jobs run`, `jobs list`, `worker --once`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Engine, select

from acctgraph.db import sync_sessionmaker
from acctgraph.models import JobRun, JobRunStatus, JobSchedule, SyncRun, SyncRunStatus
from acctgraph.settings import Settings


def acctgraph(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("ACCTGRAPH_")}
    env["ACCTGRAPH_DATABASE_URL"] = db_url
    command = [sys.executable, "-m", "acctgraph", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=180)


def test_a_connection_added_with_a_schedule_syncs_on_the_next_worker_pass(
    db_url: str, engine: Engine, csv_dir: Path, job_settings: Settings
) -> None:
    added = acctgraph(db_url, "connections", "add", "sheet", "csv", "--set", f"directory={csv_dir}", "--schedule", "1h")
    assert added.returncode == 0, added.stderr
    assert "it syncs on schedule '1h'" in added.stdout

    once = acctgraph(db_url, "worker", "--once")

    assert once.returncode == 0, once.stderr
    with sync_sessionmaker(engine)() as session:
        [run] = session.scalars(select(SyncRun)).all()
        assert run.status is SyncRunStatus.SUCCEEDED
        schedule = session.scalars(select(JobSchedule).where(JobSchedule.name == "sync:sheet")).one()
        assert (schedule.schedule, schedule.last_status) == ("1h", "succeeded")


def test_update_changes_or_stops_a_schedule_and_refuses_one_it_cannot_read(
    db_url: str, engine: Engine, csv_dir: Path
) -> None:
    assert acctgraph(db_url, "connections", "add", "sheet", "csv", "--set", f"directory={csv_dir}").returncode == 0

    bad = acctgraph(db_url, "connections", "update", "sheet", "--schedule", "every tuesday")
    changed = acctgraph(db_url, "connections", "update", "sheet", "--schedule", "*/30 * * * *")
    listed = acctgraph(db_url, "connections", "list")
    stopped = acctgraph(db_url, "connections", "update", "sheet", "--schedule", "off")

    assert bad.returncode == 1
    assert "Traceback" not in bad.stderr and "cron expression like '0 2 * * *'" in bad.stderr
    assert changed.returncode == 0 and "'*/30 * * * *'" in changed.stdout
    assert "*/30 * * * *" in listed.stdout
    assert stopped.returncode == 0 and "syncs only by hand" in stopped.stdout
    with sync_sessionmaker(engine)() as session:
        assert session.scalar(select(JobSchedule).where(JobSchedule.connection_id.is_not(None))) is None


def test_jobs_run_runs_a_job_now_and_records_it(db_url: str, engine: Engine) -> None:
    ran = acctgraph(db_url, "jobs", "run", "apply-transfers")
    unknown = acctgraph(db_url, "jobs", "run", "no-such-job")

    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "apply-transfers: succeeded: 0 transfers applied"
    assert unknown.returncode == 1
    assert "no schedule or job named 'no-such-job'" in unknown.stderr and "health-compute" in unknown.stderr
    with sync_sessionmaker(engine)() as session:
        run = session.scalars(select(JobRun)).one()
        schedule = session.scalars(select(JobSchedule).where(JobSchedule.name == "apply-transfers")).one()
    assert (run.job, run.status, run.attempts) == ("apply-transfers", JobRunStatus.SUCCEEDED, 1)
    assert (schedule.last_run_id, schedule.last_status) == (run.id, "succeeded")
    listed = acctgraph(db_url, "jobs", "list")
    [line] = [line for line in listed.stdout.splitlines() if "apply-transfers" in line]
    assert "5 0 * * *" in line and "succeeded" in line and "0 transfers applied" in line
