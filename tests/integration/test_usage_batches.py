"""Usage rows are written a batch at a time by one INSERT that skips the rows already held: what a batch
counts, and that nothing is inserted twice, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from acctgraph import models as m
from acctgraph.integration.engine import SyncOptions, run_sync
from acctgraph.models import SyncRun
from tests.integration.conftest import add_csv_connection, counts, csv_connectors

Sync = Callable[..., SyncRun]
HEADER = "account_external_id,metric,day,value"


def write_usage(csv_dir: Path, rows: list[str]) -> None:
    (csv_dir / "usage_metrics.csv").write_text("\n".join([HEADER, *rows]) + "\n")


def stored_usage(session: Session) -> dict[tuple[str, str], float]:
    """(account external id, day) -> value of every usage row."""
    rows = session.execute(
        select(m.ExternalRef.external_id, m.UsageMetric.day, m.UsageMetric.value).join(
            m.ExternalRef,
            (m.ExternalRef.internal_id == m.UsageMetric.account_id) & (m.ExternalRef.object_type == "account"),
        )
    ).all()
    return {(account, day.isoformat()): value for account, day, value in rows}


def usage_row_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(m.UsageMetric)) or 0


def hold_usage(session: Session, values: dict[str, float], day: date) -> None:
    """Usage rows of the synced accounts ``values`` names, written outside the sync (as another process would)."""
    account_ids = dict(
        session.execute(
            select(m.ExternalRef.external_id, m.ExternalRef.internal_id).where(m.ExternalRef.object_type == "account")
        ).all()
    )
    session.add_all(
        m.UsageMetric(account_id=account_ids[account], metric="active_users", day=day, value=value)
        for account, value in values.items()
    )
    session.commit()


def test_batch_with_duplicates_and_held_rows_counts_only_the_rows_it_inserted(
    sheet: Sync, csv_dir: Path, session: Session
) -> None:
    sheet(streams=["accounts"])
    hold_usage(session, {"A0": 1.0, "A1": 2.0, "A2": 3.0}, date(2024, 3, 1))
    write_usage(
        csv_dir,
        [
            "A0,active_users,2024-03-01,1",  # held, same value
            "A1,active_users,2024-03-01,20",  # held, new value
            "A3,active_users,2024-03-01,5",  # new ...
            "A3,active_users,2024-03-01,6",  # ... read twice in the batch: the last wins
            "A4,active_users,2024-03-01,7",  # new
        ],
    )

    run = sheet(streams=["usage_metrics"], batch_size=10_000)

    usage = counts(run)["usage_metrics"]
    assert usage["read"] == 5
    assert usage["created"] == 2
    assert usage["updated"] == 1
    assert usage["unchanged"] == 1
    assert stored_usage(session) == {
        ("A0", "2024-03-01"): 1.0,
        ("A1", "2024-03-01"): 20.0,
        ("A2", "2024-03-01"): 3.0,
        ("A3", "2024-03-01"): 6.0,
        ("A4", "2024-03-01"): 7.0,
    }


def test_resync_in_small_batches_inserts_nothing_the_first_sync_inserted(sheet: Sync, session: Session) -> None:
    first = counts(sheet(batch_size=7))["usage_metrics"]
    again = counts(sheet(batch_size=7))["usage_metrics"]

    assert first["created"] == 60
    assert again["created"] == 0
    assert again["updated"] == 0
    assert again["unchanged"] == 60
    assert usage_row_count(session) == 60


class Stopped(Exception):
    """Raised after a committed usage batch: the run ends there, as a killed process would."""


def test_run_stopped_after_a_committed_batch_resumes_without_inserting_a_row_twice(
    engine: Engine, csv_dir: Path, session: Session
) -> None:
    add_csv_connection(engine, csv_dir, name="stopped", checkpoint_every=5)
    _, connectors = csv_connectors()

    def stop_after_a_usage_batch(progress: m.SyncRunStream) -> None:
        if progress.stream == "usage_metrics":
            raise Stopped

    with pytest.raises(Stopped):
        run_sync(
            engine, "stopped", connectors, options=SyncOptions(batch_size=20), on_progress=stop_after_a_usage_batch
        )
    committed = usage_row_count(session)
    rerun = run_sync(engine, "stopped", connectors, options=SyncOptions(batch_size=20))
    usage = counts(rerun)["usage_metrics"]

    assert committed == 20, "the batch and its checkpoint were committed before the run stopped"
    assert usage["created"] == 60 - committed
    assert usage_row_count(session) == 60


def test_rejected_usage_rows_are_reported_beside_the_rows_inserted(
    sheet: Sync, csv_dir: Path, session: Session
) -> None:
    write_usage(
        csv_dir,
        [
            "A0,active_users,2024-03-01,1",
            "A1,active_users,2024-03-01,lots",
            "A2,active_users,,3",
            "A3,active_users,2024-03-01,4",
        ],
    )

    run = sheet(streams=["accounts", "usage_metrics"], batch_size=10_000)

    usage = counts(run)["usage_metrics"]
    assert usage["read"] == 4
    assert usage["created"] == 2
    assert usage["rejected"] == 2
    rejected = session.execute(
        select(m.RejectedRecord.record_key, m.RejectedRecord.reason).where(m.RejectedRecord.stream == "usage_metrics")
    ).all()
    assert sorted(rejected) == [
        (
            "row 3",
            "row 3: column 'value': Input should be a valid number, unable to parse string as a number (got 'lots')",
        ),
        ("row 4", "row 4: column 'day': Field required"),
    ]
    assert stored_usage(session) == {("A0", "2024-03-01"): 1.0, ("A3", "2024-03-01"): 4.0}
