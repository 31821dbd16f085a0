"""Nothing a source sends is lost: records waiting in quarantine bring their nested lines with them, an
interrupted full refresh is finished by the next run, and a full refresh of one source only withdraws
that source's claim on a row other sources still report."""

from __future__ import annotations

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from acctgraph import models as m
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
