"""The sync engine on real databases: counts, idempotence, quarantine, rejections, soft deletes, locks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from acctgraph import models as m
from acctgraph.domain.read_model import stored_summaries
from acctgraph.integration.locks import SyncLockedError, connection_lock
from acctgraph.models import SyncRun, SyncRunStatus
from tests.integration.conftest import counts, write_csv_files

Sync = Callable[..., SyncRun]


def test_first_sync_creates_rows_and_reports_per_stream_counts(sheet: Sync, session: Session) -> None:
    run = sheet()
    assert run.status is SyncRunStatus.SUCCEEDED
    assert counts(run) == {
        "accounts": {
            "read": 20,
            "created": 20,
            "updated": 0,
            "unchanged": 0,
            "deleted": 0,
            "rejected": 0,
            "quarantined": 0,
        },
        "contacts": {
            "read": 22,
            "created": 20,
            "updated": 0,
            "unchanged": 0,
            "deleted": 0,
            "rejected": 1,
            "quarantined": 1,
        },
        "usage_metrics": {
            "read": 60,
            "created": 60,
            "updated": 0,
            "unchanged": 0,
            "deleted": 0,
            "rejected": 0,
            "quarantined": 0,
        },
    }
    child = session.scalar(select(m.Account).where(m.Account.name == "Account 5"))
    assert child is not None and child.parent_id is not None
    assert child.extra == {"employees": "5"}


def test_second_sync_of_unchanged_data_reports_all_unchanged(sheet: Sync) -> None:
    sheet()
    second = counts(sheet())
    for stream, stream_counts in second.items():
        assert stream_counts["created"] == stream_counts["updated"] == stream_counts["deleted"] == 0, stream
    assert second["accounts"]["unchanged"] == 20
    assert second["contacts"]["unchanged"] == 20
    assert second["usage_metrics"]["unchanged"] == 60


def test_changed_row_is_updated_in_place(sheet: Sync, csv_dir: Path, session: Session) -> None:
    sheet()
    assert session.scalar(select(m.Account.version).where(m.Account.name == "Account 3")) == 1
    text = (csv_dir / "accounts.csv").read_text().replace("A3,Account 3,", "A3,Account Three,")
    (csv_dir / "accounts.csv").write_text(text)
    run = sheet(streams=["accounts"])
    assert counts(run)["accounts"]["updated"] == 1
    assert session.scalar(select(func.count()).select_from(m.Account)) == 20
    assert session.scalar(select(m.Account.version).where(m.Account.name == "Account Three")) == 2, (
        "a synced change bumps the optimistic-concurrency version"
    )


def test_usage_batch_of_new_changed_and_unchanged_days_counts_each_and_stores_the_new_values(
    sheet: Sync, csv_dir: Path, session: Session
) -> None:
    """The usage writer inserts what is new and updates only what changed, in one batch."""
    sheet()
    lines = (csv_dir / "usage_metrics.csv").read_text().splitlines()
    header, rows = lines[0], [line.split(",") for line in lines[1:]]
    changed = {(r[0], r[2]) for r in rows[::4]}  # every fourth row gets a new value
    rewritten = [[*r[:3], str(int(r[3]) + 1000)] if (r[0], r[2]) in changed else r for r in rows]
    new_days = [[f"A{n}", "active_users", "2024-02-01", str(n)] for n in range(5)]
    body = "\n".join(",".join(r) for r in rewritten + new_days)
    (csv_dir / "usage_metrics.csv").write_text(f"{header}\n{body}\n")

    run = sheet(streams=["usage_metrics"], batch_size=10_000)

    usage = counts(run)["usage_metrics"]
    assert usage["created"] == len(new_days)
    assert usage["updated"] == len(changed)
    assert usage["unchanged"] == len(rows) - len(changed)
    stored = session.execute(
        select(m.ExternalRef.external_id, m.UsageMetric.day, m.UsageMetric.value).join(
            m.ExternalRef,
            (m.ExternalRef.internal_id == m.UsageMetric.account_id) & (m.ExternalRef.object_type == "account"),
        )
    ).all()
    expected = {(r[0], r[2], float(r[3])) for r in rewritten + new_days}
    assert {(account, day.isoformat(), value) for account, day, value in stored} == expected


def test_quarantined_record_is_applied_once_its_account_appears(sheet: Sync, sample, session: Session) -> None:  # type: ignore[no-untyped-def]
    sheet()
    entry = session.scalar(select(m.QuarantinedRecord))
    assert entry is not None and entry.waiting_for == "Z1" and "later.example" in entry.reason
    account = sample.account(domain="later.example", name="Later Inc")
    session.commit()
    sheet(streams=["accounts"])
    assert session.scalar(select(func.count()).select_from(m.QuarantinedRecord)) == 0
    orphan = session.scalar(select(m.Contact).where(m.Contact.name == "Orphan"))
    assert orphan is not None and orphan.account_id == account.id


def test_rejected_record_keeps_payload_and_precise_reason(sheet: Sync, session: Session) -> None:
    run = sheet()
    rejected = session.scalars(select(m.RejectedRecord)).all()
    assert [(r.stream, r.record_key, r.run_id) for r in rejected] == [("contacts", "C-bad", run.id)]
    assert rejected[0].reason == "row 23: column 'name': Field required"
    assert rejected[0].payload["email"] == "bad@account0.example"
    sheet()
    assert session.scalar(select(func.count()).select_from(m.RejectedRecord)) == 1, "a re-run must not duplicate it"


def test_full_refresh_soft_deletes_rows_no_longer_in_the_source(sheet: Sync, csv_dir: Path, session: Session) -> None:
    sheet()
    lines = (csv_dir / "accounts.csv").read_text().splitlines(keepends=True)
    (csv_dir / "accounts.csv").write_text("".join(line for line in lines if not line.startswith("A7,")))
    run = sheet(streams=["accounts"], full_refresh=True)
    assert counts(run)["accounts"]["deleted"] == 1
    deleted = session.scalars(select(m.Account.name).where(m.Account.deleted_at.is_not(None))).all()
    assert deleted == ["Account 7"]
    assert session.scalar(select(func.count()).select_from(m.Account)) == 20, "kept, not hard-deleted"


def test_incremental_run_skips_a_file_older_than_the_cursor(sheet: Sync) -> None:
    sheet()
    run = sheet()
    assert run.streams[0].full_refresh is False
    assert all(stream_counts["read"] for stream_counts in counts(run).values()), ">= cursor re-reads the file"


def test_a_connection_cannot_sync_twice_at_once(sheet: Sync, engine: Engine) -> None:
    with (
        connection_lock(engine, "sheet"),
        pytest.raises(SyncLockedError, match="'sheet' is already being synced by another process"),
    ):
        sheet()
    assert sheet().status is SyncRunStatus.SUCCEEDED, "the lock is released after the block"


def test_unknown_account_reference_in_a_new_source_resolves_by_domain(
    sheet: Sync, engine: Engine, tmp_path: Path, session: Session
) -> None:
    from tests.integration.conftest import add_csv_connection, sync

    sheet()
    other = tmp_path / "billing"
    write_csv_files(other, accounts=3)
    (other / "accounts.csv").write_text("external_id,name,domain\ncus_1,Account 1 Billing,account1.example\n")
    add_csv_connection(engine, other, name="billing")
    run = sync(engine, "billing", streams=["accounts"])
    assert counts(run)["accounts"]["created"] == 0 and counts(run)["accounts"]["updated"] == 1
    refs = session.scalars(select(m.ExternalRef.source).where(m.ExternalRef.external_id.in_(["A1", "cus_1"]))).all()
    assert sorted(refs) == ["billing", "sheet"]
    assert session.scalar(select(func.count()).select_from(m.Account)) == 20


def test_a_failing_plugin_is_logged_and_does_not_stop_the_sync(
    engine: Engine, db_url: str, csv_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from acctgraph import hookimpl
    from acctgraph.integration.engine import SyncOptions, run_sync
    from tests.integration.conftest import add_csv_connection, csv_connectors

    class Broken:
        @hookimpl
        def records_synced(self, stream: str) -> None:
            raise RuntimeError(f"notifier down ({stream})")

    add_csv_connection(engine, csv_dir)
    manager, connectors = csv_connectors()
    manager.register(Broken())
    run = run_sync(engine, "sheet", connectors, options=SyncOptions(), hook=manager.hook)
    assert run.status is SyncRunStatus.SUCCEEDED
    assert counts(run)["usage_metrics"]["created"] == 60
    assert "a plugin failed in records_synced for sheet/accounts" in caplog.text
    assert "notifier down (accounts)" in caplog.text


def test_a_source_field_named_like_a_column_stays_in_extra(sheet: Sync, csv_dir: Path, session: Session) -> None:
    accounts = csv_dir / "accounts.csv"
    lines = accounts.read_text().splitlines()
    accounts.write_text("\n".join([lines[0] + ",updated_at", *(line + ",2020-01-01" for line in lines[1:])]) + "\n")
    sheet()
    accounts.write_text(accounts.read_text().replace("A3,Account 3,", "A3,Account Three,"))

    second = counts(sheet())

    renamed = session.scalar(select(m.Account).where(m.Account.name == "Account Three"))
    assert second["accounts"]["updated"] == 1
    assert renamed is not None and renamed.updated_at.year > 2020
    assert renamed.extra["updated_at"] == "2020-01-01"


def test_synced_writes_keep_the_account_summaries_in_step(sheet: Sync, csv_dir: Path, session: Session) -> None:
    """The writers' bulk INSERT/UPDATE bypass the ORM; the read model follows them in the same transaction."""
    sheet()
    text = (csv_dir / "accounts.csv").read_text().replace("A3,Account 3,", "A3,Account Three,")
    (csv_dir / "accounts.csv").write_text("".join(line for line in text.splitlines(True) if not line.startswith("A7,")))
    sheet(streams=["accounts"], full_refresh=True)

    session.expire_all()
    accounts = session.scalars(select(m.Account)).all()
    summaries = stored_summaries(session, [account.id for account in accounts])
    assert len(summaries) == len(accounts) == 20
    for account in accounts:
        assert summaries[account.id]["name_key"] == account.name.lower()
        assert summaries[account.id]["deleted"] is (account.deleted_at is not None)
        assert summaries[account.id]["updated_at"] == account.updated_at
    assert sorted(s["name_key"] for s in summaries.values() if s["deleted"]) == ["account 7"]
    assert "account three" in {s["name_key"] for s in summaries.values()}
