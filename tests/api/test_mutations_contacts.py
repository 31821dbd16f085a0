"""Contact mutations and the relationship map."""

from __future__ import annotations

from acctgraph import models as m
from tests.api.mutation_cases import codes, gid, mutate

CONTACT = "contact { name email title buyingRole influence sentiment active version reportsTo { name } }"


async def test_create_contact_with_buying_role_and_manager(graphql, sample) -> None:
    account = sample.account()
    boss = sample.contact(account, name="Boss")
    sample.session.commit()
    variables = {
        "accountId": gid(account),
        "name": "Dana",
        "email": " Dana@Example.com ",
        "buyingRole": "ECONOMIC_BUYER",
        "influence": "HIGH",
        "sentiment": "POSITIVE",
        "reportsToId": gid(boss),
    }
    payload = await mutate(graphql, "createContact", variables, CONTACT)
    assert payload["contact"] == {
        "name": "Dana",
        "email": "dana@example.com",
        "title": None,
        "buyingRole": "ECONOMIC_BUYER",
        "influence": "HIGH",
        "sentiment": "POSITIVE",
        "active": True,
        "version": 1,
        "reportsTo": {"name": "Boss"},
    }
    bad = await mutate(graphql, "createContact", {"accountId": gid(account), "name": "X", "email": "nope"}, CONTACT)
    assert codes(bad) == [("email", "INVALID")] and "ana@example.com" in bad["userErrors"][0]["message"]


async def test_update_contact_sets_and_clears_fields(graphql, sample) -> None:
    contact = sample.contact(sample.account(), title="CTO", sentiment=m.Sentiment.NEUTRAL)
    sample.session.commit()
    variables = {"id": gid(contact), "version": 1, "sentiment": "NEGATIVE", "buyingRole": "DETRACTOR", "title": None}
    payload = await mutate(graphql, "updateContact", variables, CONTACT)
    assert payload["contact"]["sentiment"] == "NEGATIVE" and payload["contact"]["buyingRole"] == "DETRACTOR"
    assert payload["contact"]["title"] is None and payload["contact"]["version"] == 2
    stale = await mutate(graphql, "updateContact", {"id": gid(contact), "version": 1, "influence": "LOW"}, CONTACT)
    assert codes(stale) == [("version", "STALE_VERSION")]


async def test_deactivated_contact_cannot_be_changed(graphql, sample) -> None:
    contact = sample.contact(sample.account())
    sample.session.commit()
    payload = await mutate(graphql, "deactivateContact", {"id": gid(contact), "version": 1}, CONTACT)
    assert payload["contact"]["active"] is False
    again = await mutate(graphql, "updateContact", {"id": gid(contact), "version": 2, "name": "Back"}, CONTACT)
    assert codes(again) == [("id", "INACTIVE")]


async def test_reports_to_refuses_loops_and_other_accounts(graphql, sample) -> None:
    account = sample.account()
    ceo = sample.contact(account, name="CEO")
    vp = sample.contact(account, name="VP", reports_to_id=ceo.id)
    stranger = sample.contact(sample.account(), name="Stranger")
    sample.session.commit()
    loop = await mutate(graphql, "setContactReportsTo", {"id": gid(ceo), "version": 1, "reportsToId": gid(vp)}, CONTACT)
    assert codes(loop) == [("reportsToId", "CYCLE")]
    other = await mutate(
        graphql, "setContactReportsTo", {"id": gid(vp), "version": 1, "reportsToId": gid(stranger)}, CONTACT
    )
    assert codes(other) == [("reportsToId", "OTHER_ACCOUNT")]
    root = await mutate(graphql, "setContactReportsTo", {"id": gid(vp), "version": 1, "reportsToId": None}, CONTACT)
    assert root["contact"]["reportsTo"] is None


async def test_relationship_map_is_the_reporting_tree_of_active_contacts(graphql, sample) -> None:
    account = sample.account()
    ceo = sample.contact(account, name="CEO")
    cfo = sample.contact(account, name="CFO", reports_to_id=ceo.id)
    sample.contact(account, name="Controller", reports_to_id=cfo.id)
    sample.contact(account, name="Left", reports_to_id=ceo.id, active=False)
    sample.contact(account, name="Lone")
    sample.session.commit()
    query = """query($id: ID!) { account(id: $id) { relationshipMap {
        contact { name } reports { contact { name } reports { contact { name } reports { contact { name } } } } } } }"""
    tree = (await graphql.data(query, {"id": gid(account)}))["account"]["relationshipMap"]
    assert tree == [
        {
            "contact": {"name": "CEO"},
            "reports": [{"contact": {"name": "CFO"}, "reports": [{"contact": {"name": "Controller"}, "reports": []}]}],
        },
        {"contact": {"name": "Lone"}, "reports": []},
    ]

    bounded = """query($id: ID!, $first: Int) { account(id: $id) { relationshipMap(first: $first) {
        contact { name } reports { contact { name } reports { contact { name } } } } } }"""
    top = (await graphql.data(bounded, {"id": gid(account), "first": 2}))["account"]["relationshipMap"]
    assert top == [{"contact": {"name": "CEO"}, "reports": [{"contact": {"name": "CFO"}, "reports": []}]}]
    over = await graphql.execute(bounded, {"id": gid(account), "first": 101})
    assert over["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_contact_name_cannot_be_cleared(graphql, sample) -> None:
    contact = sample.contact(sample.account())
    sample.session.commit()
    payload = await mutate(graphql, "updateContact", {"id": gid(contact), "version": 1, "name": None}, CONTACT)
    assert codes(payload) == [("name", "REQUIRED")]
