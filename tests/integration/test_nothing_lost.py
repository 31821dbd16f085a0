"""Nothing a source sends is lost: records waiting in quarantine bring their nested lines with them, an
interrupted full refresh is finished by the next run, and a full refresh of one source only withdraws
that source's claim on a row other sources still report."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from acctgraph import models as m
from acctgraph.integration.engine import SyncOptions, run_sync
from tests.integration.conftest import add_csv_connection, csv_connectors, write_csv_files
from tests.integration.conftest import sync as sync_csv
from tests.integration.test_engine_behaviour import connect, sync


def live_lines(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(m.ContractLine).where(m.ContractLine.deleted_at.is_(None)))


def quarantined(session: Session) -> list[tuple[str, str]]:
    session.expire_all()
    rows = session.execute(select(m.QuarantinedRecord.entity, m.QuarantinedRecord.record_key)).all()
    return sorted((entity, key) for entity, key in rows)


def test_contract_lines_wait_with_their_quarantined_contract_and_apply_later(
    engine: Engine, db_url: str, session: Session, sample
) -> None:  # type: ignore[no-untyped-def]
    connect(engine, "plain")
    waiting = sync(engine, streams=["subscriptions"])
    assert waiting.streams[0].quarantined == 1
    assert quarantined(session) == [("contract", "K1")], "the contract waits for its account S1"

    sync(engine, streams=["companies"])
    assert session.scalar(select(func.count()).select_from(m.Contract)) == 1, "applied once S1 was synced"
    assert live_lines(session) == 0
    assert quarantined(session) == [("contract_line", "L0"), ("contract_line", "L1")], (
        "the lines wait for their product instead of vanishing"
    )

    product = sample.product(sku="P")
    session.add(m.ExternalRef(source="s", object_type="product", external_id="P", internal_id=product.id))
    session.commit()
    sync(engine, streams=["companies"])
    assert live_lines(session) == 2
    assert quarantined(session) == []


class Interrupted(BaseException):
    """Stands for the process dying (Ctrl-C, SIGTERM) after the first committed batch."""


def stop_after_first_batch(counts: m.SyncRunStream) -> None:
    raise Interrupted


def live(session: Session, model: type[m.Account] | type[m.Contact]) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model).where(model.deleted_at.is_(None)))


def test_a_plain_run_finishes_a_full_refresh_that_was_interrupted(
    engine: Engine, db_url: str, session: Session, tmp_path: Path
) -> None:
    exports = tmp_path / "exports"
    write_csv_files(exports, accounts=30)
    add_csv_connection(engine, exports, checkpoint_every=5)
    sync_csv(engine)
    assert live(session, m.Contact) == 30
    write_csv_files(exports, accounts=20)  # 10 accounts and their contacts were deleted upstream

    manager, connectors = csv_connectors()
    with pytest.raises(Interrupted):
        run_sync(
            engine,
            "sheet",
            connectors,
            options=SyncOptions(full_refresh=True, batch_size=5),
            hook=manager.hook,
            on_progress=stop_after_first_batch,
        )
    assert live(session, m.Contact) == 30, "the contacts stream had not started"

    finishing = sync_csv(engine)
    assert {s.stream: s.full_refresh for s in finishing.streams} == {
        "accounts": True,
        "contacts": True,
        "usage_metrics": True,
    }, "every stream of the interrupted full refresh is finished as one"
    assert live(session, m.Account) == 20
    assert live(session, m.Contact) == 20
    after = sync_csv(engine)
    assert not any(s.full_refresh for s in after.streams), "once finished, runs are incremental again"


def refs(session: Session, source: str) -> int:
    session.expire_all()
    return session.scalar(
        select(func.count())
        .select_from(m.ExternalRef)
        .where(m.ExternalRef.source == source, m.ExternalRef.object_type == "account")
    )


def test_a_full_refresh_of_one_source_keeps_accounts_another_source_reports(
    engine: Engine, db_url: str, session: Session, tmp_path: Path
) -> None:
    crm, billing = tmp_path / "crm", tmp_path / "billing"
    write_csv_files(crm, accounts=20)
    write_csv_files(billing, accounts=20)  # the same accounts (by domain), under billing's own ids
    add_csv_connection(engine, crm, name="crm")
    add_csv_connection(engine, billing, name="billing")
    sync_csv(engine, "crm"), sync_csv(engine, "billing")
    assert live(session, m.Account) == 20 and refs(session, "billing") == 20

    write_csv_files(billing, accounts=15)
    run = sync_csv(engine, "billing", full_refresh=True)
    assert live(session, m.Account) == 20, "the CRM still reports the 5 accounts billing deleted"
    assert next(s.deleted for s in run.streams if s.stream == "accounts") == 0
    assert refs(session, "billing") == 15, "only billing's claim on them went"

    write_csv_files(crm, accounts=18)
    run = sync_csv(engine, "crm", full_refresh=True)
    assert live(session, m.Account) == 18, "accounts no source holds any more are deleted"
    assert next(s.deleted for s in run.streams if s.stream == "accounts") == 2


def test_a_tombstone_keeps_an_account_another_source_reports(engine: Engine, db_url: str, session: Session) -> None:
    connect(engine, "plain")
    sync(engine, streams=["companies"])
    account_id = session.scalar(select(m.Account.id).where(m.Account.name == "Scripted 0"))
    session.add(m.ExternalRef(source="crm", object_type="account", external_id="crm-0", internal_id=account_id))
    session.commit()
    connect(engine, "tombstone")
    run = sync(engine, streams=["companies"])
    assert run.streams[0].deleted == 0
    assert live(session, m.Account) == 10
    assert refs(session, "s") == 9, "the deleting source's claim on the account went"
