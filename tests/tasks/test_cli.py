"""``acctgraph playbooks``: list and run, and a broken playbooks file as one line that says what to fix."""

from __future__ import annotations

import os
import subprocess
import sys

from acctgraph import migrations
from tests.fixtures import SampleData


def acctgraph(*args: str, database_url: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "ACCTGRAPH_DATABASE_URL": database_url, **env}
    return subprocess.run(
        [sys.executable, "-m", "acctgraph", *args], capture_output=True, text=True, env=environment, timeout=120
    )


def test_playbooks_list_run_and_a_bad_file(new_database_url, tmp_path) -> None:
    url = new_database_url("sqlite")
    migrations.upgrade(url)
    from acctgraph.db import create_sync_engine, sync_sessionmaker
    from acctgraph.models import LifecycleStage

    engine = create_sync_engine(url)
    with sync_sessionmaker(engine)() as session:
        sample = SampleData(session)
        sample.account(owner_id=sample.user().id, lifecycle_stage=LifecycleStage.ONBOARDING)
        session.commit()
    engine.dispose()

    listed = acctgraph("playbooks", "list", database_url=url)
    assert listed.returncode == 0, listed.stderr
    assert "onboarding: Onboard a new customer (3 steps; started on lifecycle)" in listed.stdout
    first, again = (acctgraph("playbooks", "run", database_url=url) for _ in range(2))
    assert "1 playbook runs started" in first.stdout, first.stderr
    assert "0 playbook runs started" in again.stdout

    broken = tmp_path / "playbooks.json"
    broken.write_text('{"playbooks": {"x": {"name": "X", "steps": []}}}')
    failed = acctgraph("playbooks", "run", database_url=url, ACCTGRAPH_PLAYBOOKS_FILE=str(broken))
    assert failed.returncode == 1
    assert failed.stderr.strip().count("\n") == 0
    assert "playbooks.x.steps" in failed.stderr
    assert "Fix the file named by ACCTGRAPH_PLAYBOOKS_FILE" in failed.stderr
