"""Bad input gets a coded error or a userError, the same on SQLite and PostgreSQL, and nothing is written."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event, func, select, update
from sqlalchemy.orm import Session

from acctgraph import models as m
from acctgraph.domain.money import MAX_AMOUNT_MINOR
from tests.api.mutation_cases import gid

OPPORTUNITY = """mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) {
    opportunity { id } userErrors { field code message } } }"""


def _count(sample, model: Any) -> int:
    sample.session.expire_all()
    return sample.session.scalar(select(func.count()).select_from(model))


def _code(result: dict) -> str:
    return result["errors"][0]["extensions"]["code"]


async def _create_opportunity(graphql, sample, **fields: Any) -> dict:
    account = sample.account()
    sample.session.commit()
    variables = {
        "input": {"accountId": gid(account), "name": "Renewal", "kind": "NEW", "amountMinor": 100, "currency": "USD"}
    }
    variables["input"].update(fields)
    return await graphql.execute(OPPORTUNITY, variables)


async def test_money_beyond_the_bound_is_a_user_error_and_nothing_is_written(graphql, sample) -> None:
    result = await _create_opportunity(graphql, sample, amountMinor=str(2**62))
    payload = result["data"]["createOpportunity"]
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("amountMinor", "INVALID")]
    message = payload["userErrors"][0]["message"]
    assert f"{MAX_AMOUNT_MINOR:,}" in message or str(MAX_AMOUNT_MINOR) in message
    assert _count(sample, m.Opportunity) == 0


async def test_money_at_the_bound_is_accepted(graphql, sample) -> None:
    result = await _create_opportunity(graphql, sample, amountMinor=str(MAX_AMOUNT_MINOR))
    assert result["data"]["createOpportunity"]["userErrors"] == []
    assert _count(sample, m.Opportunity) == 1


async def test_an_integer_beyond_64_bits_is_bad_user_input(graphql, sample) -> None:
    result = await _create_opportunity(graphql, sample, amountMinor=str(2**63))
    assert _code(result) == "BAD_USER_INPUT"
    assert "64-bit" in result["errors"][0]["message"]
    assert _count(sample, m.Opportunity) == 0


async def test_currencies_must_be_iso_4217_with_minor_units(graphql, sample) -> None:
    for code in ("ZZZ", "XAU"):
        result = await _create_opportunity(graphql, sample, currency=code)
        errors = result["data"]["createOpportunity"]["userErrors"]
        assert [(e["field"], e["code"]) for e in errors] == [("currency", "INVALID")], code
        assert "ISO 4217" in errors[0]["message"]
    assert _count(sample, m.Opportunity) == 0
    accepted = await _create_opportunity(graphql, sample, currency="jpy")
    assert accepted["data"]["createOpportunity"]["userErrors"] == []


async def test_times_and_days_out_of_range_are_bad_user_input(graphql, sample) -> None:
    account = sample.account()
    sample.session.commit()
    log = """mutation($input: LogActivityInput!) { logActivity(input: $input) { userErrors { code } } }"""
    for moment in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"):
        result = await graphql.execute(
            log, {"input": {"accountId": gid(account), "kind": "CALL", "subject": "s", "occurredAt": moment}}
        )
        assert _code(result) == "BAD_USER_INPUT", result
        assert "between 1900-01-01 and 2999-12-31" in result["errors"][0]["message"]
    history = "query($id: ID!, $to: Date) { account(id: $id) { healthHistory(to: $to) { day } } }"
    assert _code(await graphql.execute(history, {"id": gid(account), "to": "0001-01-01"})) == "BAD_USER_INPUT"
    literal = 'query($id: ID!) { account(id: $id) { healthHistory(to: "0001-01-01") { day } } }'
    assert _code(await graphql.execute(literal, {"id": gid(account)})) == "GRAPHQL_VALIDATION_FAILED"
    assert _count(sample, m.Activity) == 0


async def test_nul_characters_are_refused_in_inputs_and_filters(graphql, sample) -> None:
    sample.account(name="Acme")
    sample.session.commit()
    create = "mutation($input: CreateAccountInput!) { createAccount(input: $input) { userErrors { code } } }"
    result = await graphql.execute(create, {"input": {"name": "Evil\x00Corp", "segment": "SMB"}})
    assert _code(result) == "BAD_USER_INPUT", result
    assert "NUL" in result["errors"][0]["message"]
    search = "query($s: String) { accounts(filter: {search: $s}) { totalCount } }"
    assert _code(await graphql.execute(search, {"s": "Ac\x00me"})) == "BAD_USER_INPUT"
    literal = '{ accounts(filter: {search: "Ac\\u0000me"}) { totalCount } }'
    assert _code(await graphql.execute(literal)) == "BAD_USER_INPUT"
    assert _count(sample, m.Account) == 1


def test_commands_refuse_nul_and_large_amounts_for_every_caller() -> None:
    """The same rules hold for the domain commands themselves (the CLI and workers use them too)."""
    import pydantic
    import pytest

    from acctgraph.domain.pipeline import CreateOpportunity
    from acctgraph.domain.quotes import QuoteLineInput

    base = {"account_id": 1, "name": "x", "kind": "new", "amount_minor": 1, "currency": "USD"}
    with pytest.raises(pydantic.ValidationError, match="NUL"):
        CreateOpportunity.model_validate({**base, "name": "a\x00b"})
    line = {"product_id": 1, "quantity": 1, "unit_price_minor": MAX_AMOUNT_MINOR + 1}
    with pytest.raises(pydantic.ValidationError, match="at most 1,000,000,000,000,000 minor units"):
        QuoteLineInput.model_validate(line)
    assert QuoteLineInput.model_validate({**line, "unit_price_minor": MAX_AMOUNT_MINOR}).unit_price_minor > 0
    assert CreateOpportunity.model_validate(base).currency == "USD"


async def test_a_search_longer_than_the_limit_is_refused_clearly(graphql, sample) -> None:
    sample.session.commit()
    for query in (
        "query($s: String) { accounts(filter: {search: $s}) { totalCount } }",
        "query($s: String) { users(filter: {search: $s}) { totalCount } }",
    ):
        result = await graphql.execute(query, {"s": "a" * 50_001})
        assert _code(result) == "BAD_USER_INPUT"
        assert "at most 200 characters (got 50,001)" in result["errors"][0]["message"]
    ok = await graphql.data("query($s: String) { accounts(filter: {search: $s}) { totalCount } }", {"s": "a" * 200})
    assert ok["accounts"]["totalCount"] == 0


async def test_a_concurrent_update_race_is_a_stale_version_user_error(graphql, sample, engine: Engine) -> None:
    """Another writer commits between this mutation's version check and its UPDATE: the UPDATE matches
    no row (SQLAlchemy's StaleDataError), answered as STALE_VERSION with nothing written or audited."""
    account = sample.account(name="Before")
    sample.session.commit()

    raced: list[bool] = []

    def other_writer_commits_first(session: Session, *_args: Any) -> None:
        if not raced and any(isinstance(row, m.Account) for row in session.dirty):
            raced.append(True)
            with engine.begin() as connection:
                connection.execute(
                    update(m.Account).where(m.Account.id == account.id).values(version=m.Account.version + 1)
                )

    event.listen(Session, "before_flush", other_writer_commits_first)
    try:
        result = await graphql.execute(
            """mutation($input: UpdateAccountInput!) { updateAccount(input: $input) {
                account { name } userErrors { field code message } } }""",
            {"input": {"id": gid(account), "version": 1, "name": "After"}},
        )
    finally:
        event.remove(Session, "before_flush", other_writer_commits_first)
    assert raced == [True]
    payload = result["data"]["updateAccount"]
    assert payload["account"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("version", "STALE_VERSION")]
    sample.session.expire_all()
    assert sample.session.get(m.Account, account.id).name == "Before"
    assert _count(sample, m.AuditRecord) == 0
