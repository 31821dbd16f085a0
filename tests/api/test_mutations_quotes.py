"""Quotes: totals, editing drafts, and the approval workflow's states and approvers."""

from __future__ import annotations

from acctgraph import models as m
from tests.api.mutation_cases import codes, gid, mutate

QUOTE = "quote { id status version discountPercent subtotal { amountMinor } total { amountMinor } decidedBy { email } lines { quantity product { name } amount { amountMinor } } }"


async def _draft(client, account, product, discount: str, unit_price: int) -> dict:  # type: ignore[no-untyped-def]
    variables = {
        "accountId": gid(account),
        "title": "Expansion",
        "currency": "USD",
        "discountPercent": discount,
        "lines": [{"productId": gid(product), "quantity": 10, "unitPriceMinor": unit_price}],
    }
    payload = await mutate(client, "createQuote", variables, QUOTE)
    assert payload["userErrors"] == []
    return payload["quote"]


async def _move(client, quote: dict, status: str, version: int) -> dict:  # type: ignore[no-untyped-def]
    return await mutate(client, "changeQuoteStatus", {"id": quote["id"], "version": version, "status": status}, QUOTE)


async def test_quote_totals_and_edit_while_draft(graphql, sample) -> None:
    account, product = sample.account(), sample.product(name="Seats")
    sample.session.commit()
    quote = await _draft(graphql, account, product, "12.5", 100_00)
    assert (quote["subtotal"]["amountMinor"], quote["total"]["amountMinor"]) == (1_000_00, 875_00)
    assert quote["lines"] == [{"quantity": 10, "product": {"name": "Seats"}, "amount": {"amountMinor": 1_000_00}}]
    edited = await mutate(graphql, "updateQuote", {"id": quote["id"], "version": 1, "discountPercent": "0"}, QUOTE)
    assert edited["quote"]["total"]["amountMinor"] == 1_000_00
    too_much = await mutate(graphql, "updateQuote", {"id": quote["id"], "version": 2, "discountPercent": "120"}, QUOTE)
    assert codes(too_much) == [("discountPercent", "INVALID")]


async def test_small_quote_is_approved_on_submit_then_sent_and_accepted(graphql, sample) -> None:
    account, product = sample.account(), sample.product()
    sample.session.commit()
    quote = await _draft(graphql, account, product, "5", 100_00)
    submitted = await _move(graphql, quote, "PENDING_APPROVAL", 1)
    assert submitted["quote"]["status"] == "APPROVED"
    sent = await _move(graphql, quote, "SENT", 2)
    accepted = await _move(graphql, quote, "ACCEPTED", sent["quote"]["version"])
    assert accepted["quote"]["status"] == "ACCEPTED"
    final = await _move(graphql, quote, "DECLINED", 4)
    assert codes(final) == [("status", "ILLEGAL_TRANSITION")]
    assert "nothing (it is final)" in final["userErrors"][0]["message"]
    edit = await mutate(graphql, "updateQuote", {"id": quote["id"], "version": 4, "title": "x"}, QUOTE)
    assert codes(edit) == [("id", "NOT_EDITABLE")]


async def test_big_discount_needs_the_owners_manager(graphql, sample) -> None:
    manager = sample.user(role=m.Role.MANAGER, email="boss@example.com")
    owner = sample.user(manager_id=manager.id)
    other_manager = sample.user(role=m.Role.MANAGER, email="other@example.com")
    sample.user(manager_id=other_manager.id)
    account, product = sample.account(owner_id=owner.id), sample.product()
    sample.session.commit()
    as_owner = graphql.acting_as(owner)
    quote = await _draft(as_owner, account, product, "30", 100_00)
    assert (await _move(as_owner, quote, "APPROVED", 1))["userErrors"][0]["code"] == "ILLEGAL_TRANSITION"
    assert (await _move(as_owner, quote, "PENDING_APPROVAL", 1))["quote"]["status"] == "PENDING_APPROVAL"
    refused = await _move(as_owner, quote, "APPROVED", 2)
    assert (
        codes(refused) == [("status", "APPROVER_REQUIRED")] and "owner's manager" in refused["userErrors"][0]["message"]
    )
    approved = await _move(graphql.acting_as(manager), quote, "APPROVED", 2)
    assert approved["quote"]["status"] == "APPROVED" and approved["quote"]["decidedBy"]["email"] == "boss@example.com"


async def test_big_total_needs_an_admin_and_rejection_returns_to_draft(graphql, sample) -> None:
    manager = sample.user(role=m.Role.MANAGER)
    owner = sample.user(manager_id=manager.id)
    account, product = sample.account(owner_id=owner.id), sample.product()
    sample.session.commit()
    quote = await _draft(graphql.acting_as(owner), account, product, "0", 2_000_000_00)
    assert (await _move(graphql, quote, "PENDING_APPROVAL", 1))["quote"]["status"] == "PENDING_APPROVAL"
    refused = await _move(graphql.acting_as(manager), quote, "APPROVED", 2)
    assert codes(refused) == [("status", "APPROVER_REQUIRED")] and "admin" in refused["userErrors"][0]["message"]
    rejected = await _move(graphql, quote, "REJECTED", 2)
    assert rejected["quote"]["status"] == "REJECTED"
    assert (await _move(graphql, quote, "DRAFT", 3))["quote"]["status"] == "DRAFT"


async def test_empty_quote_cannot_be_submitted(graphql, sample) -> None:
    account = sample.account()
    sample.session.commit()
    payload = await mutate(
        graphql, "createQuote", {"accountId": gid(account), "title": "Empty", "currency": "EUR"}, QUOTE
    )
    assert codes(await _move(graphql, payload["quote"], "PENDING_APPROVAL", 1)) == [("id", "EMPTY_QUOTE")]


async def test_quote_opportunity_must_belong_to_the_account(graphql, sample) -> None:
    account = sample.account()
    elsewhere = sample.opportunity(sample.account())
    sample.session.commit()
    variables = {"accountId": gid(account), "opportunityId": gid(elsewhere), "title": "Q", "currency": "USD"}
    assert codes(await mutate(graphql, "createQuote", variables, QUOTE)) == [("opportunityId", "OTHER_ACCOUNT")]
