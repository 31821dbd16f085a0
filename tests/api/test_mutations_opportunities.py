"""Opportunity mutations: create, stage moves with history, close won or lost."""

from __future__ import annotations

from tests.api.mutation_cases import codes, gid, mutate

OPPORTUNITY = "opportunity { id name kind stage status probability forecastCategory closeReason version amount { amountMinor currency } owner { email } stageHistory { fromStage toStage } }"


async def test_create_then_move_then_close_keeps_the_stage_history(graphql, sample) -> None:
    owner = sample.user(email="owner@example.com")
    account = sample.account(owner_id=owner.id)
    sample.session.commit()
    created = await mutate(
        graphql,
        "createOpportunity",
        {"accountId": gid(account), "name": "Seats", "kind": "UPSELL", "amountMinor": 12_000_00, "currency": "usd"},
        OPPORTUNITY,
    )
    opportunity = created["opportunity"]
    assert opportunity["owner"]["email"] == "owner@example.com"
    assert opportunity["amount"] == {"amountMinor": 12_000_00, "currency": "USD"}
    moved = await mutate(
        graphql,
        "moveOpportunityStage",
        {"id": opportunity["id"], "version": 1, "stage": "Proposal", "probability": 60},
        OPPORTUNITY,
    )
    assert (moved["opportunity"]["stage"], moved["opportunity"]["probability"]) == ("proposal", 60)
    closed = await mutate(
        graphql, "closeOpportunity", {"id": opportunity["id"], "version": 2, "won": True}, OPPORTUNITY
    )
    result = closed["opportunity"]
    assert (result["status"], result["probability"], result["forecastCategory"]) == ("WON", 100, "CLOSED")
    assert result["stageHistory"] == [
        {"fromStage": None, "toStage": "qualification"},
        {"fromStage": "qualification", "toStage": "proposal"},
        {"fromStage": "proposal", "toStage": "closed_won"},
    ]
    after = await mutate(
        graphql, "moveOpportunityStage", {"id": opportunity["id"], "version": 3, "stage": "x"}, OPPORTUNITY
    )
    assert codes(after) == [("id", "CLOSED")]


async def test_opportunity_rules(graphql, sample) -> None:
    account = sample.account()
    opportunity = sample.opportunity(account)
    sample.session.commit()
    base = {"accountId": gid(account), "name": "N", "kind": "RENEWAL", "amountMinor": 1, "currency": "USD"}
    assert codes(await mutate(graphql, "createOpportunity", {**base, "probability": 120}, OPPORTUNITY)) == [
        ("probability", "INVALID")
    ]
    assert codes(await mutate(graphql, "createOpportunity", {**base, "currency": "dollars"}, OPPORTUNITY)) == [
        ("currency", "INVALID")
    ]
    assert codes(await mutate(graphql, "createOpportunity", {**base, "stage": "closed_won"}, OPPORTUNITY)) == [
        ("stage", "INVALID_STAGE")
    ]
    same = await mutate(
        graphql, "moveOpportunityStage", {"id": gid(opportunity), "version": 1, "stage": "qualification"}, OPPORTUNITY
    )
    assert codes(same) == [("stage", "SAME_STAGE")]
    via_move = await mutate(
        graphql, "moveOpportunityStage", {"id": gid(opportunity), "version": 1, "stage": "closed_lost"}, OPPORTUNITY
    )
    assert codes(via_move) == [("stage", "INVALID_STAGE")]
    lost = await mutate(graphql, "closeOpportunity", {"id": gid(opportunity), "version": 1, "won": False}, OPPORTUNITY)
    assert codes(lost) == [("reason", "REASON_REQUIRED")]
    lost = await mutate(
        graphql,
        "closeOpportunity",
        {"id": gid(opportunity), "version": 1, "won": False, "reason": "Budget cut"},
        OPPORTUNITY,
    )
    assert (lost["opportunity"]["status"], lost["opportunity"]["closeReason"]) == ("LOST", "Budget cut")
