"""Account plans: goals and initiatives; whitespace for cross-sell."""

from __future__ import annotations

from datetime import timedelta

from acctgraph import models as m
from tests.api.mutation_cases import TODAY, codes, gid, mutate

ITEM = "planItem { id kind title status dueOn version owner { email } }"


async def test_goal_with_initiatives_shows_in_the_account_plan(graphql, sample) -> None:
    account = sample.account()
    sample.session.commit()
    goal = (await mutate(graphql, "createPlanItem", {"accountId": gid(account), "title": "Double usage"}, ITEM))[
        "planItem"
    ]
    assert (goal["kind"], goal["status"]) == ("GOAL", "NOT_STARTED")
    due = (TODAY + timedelta(days=60)).isoformat()
    initiative = await mutate(
        graphql,
        "createPlanItem",
        {"accountId": gid(account), "goalId": goal["id"], "title": "Train admins", "dueOn": due},
        ITEM,
    )
    assert initiative["planItem"]["kind"] == "INITIATIVE"
    updated = await mutate(
        graphql, "updatePlanItem", {"id": initiative["planItem"]["id"], "version": 1, "status": "AT_RISK"}, ITEM
    )
    assert updated["planItem"]["status"] == "AT_RISK" and updated["planItem"]["version"] == 2
    plan = await graphql.data(
        "query($id: ID!) { account(id: $id) { plan { nodes { title initiatives { title status dueOn } } } } }",
        {"id": gid(account)},
    )
    assert plan["account"]["plan"]["nodes"] == [
        {"title": "Double usage", "initiatives": [{"title": "Train admins", "status": "AT_RISK", "dueOn": due}]}
    ]


async def test_plan_item_rules(graphql, sample) -> None:
    account, other = sample.account(), sample.account()
    sample.session.commit()
    goal = (await mutate(graphql, "createPlanItem", {"accountId": gid(account), "title": "Goal"}, ITEM))["planItem"]
    initiative = (
        await mutate(graphql, "createPlanItem", {"accountId": gid(account), "goalId": goal["id"], "title": "I"}, ITEM)
    )["planItem"]
    nested = await mutate(
        graphql, "createPlanItem", {"accountId": gid(account), "goalId": initiative["id"], "title": "x"}, ITEM
    )
    assert codes(nested) == [("goalId", "NOT_A_GOAL")]
    elsewhere = await mutate(
        graphql, "createPlanItem", {"accountId": gid(other), "goalId": goal["id"], "title": "x"}, ITEM
    )
    assert codes(elsewhere) == [("goalId", "NOT_A_GOAL")]
    cleared = await mutate(graphql, "updatePlanItem", {"id": goal["id"], "version": 1, "status": None}, ITEM)
    assert codes(cleared) == [("status", "REQUIRED")]
    stale = await mutate(graphql, "updatePlanItem", {"id": goal["id"], "version": 7, "title": "T"}, ITEM)
    assert codes(stale) == [("version", "STALE_VERSION")]


async def test_whitespace_lists_catalogue_products_not_under_an_active_contract(graphql, sample) -> None:
    account = sample.account()
    owned, lapsed = sample.product(name="Core"), sample.product(name="Analytics")
    sample.product(name="Security")
    sample.contract(account, mrr_minor=100_00, product=owned)
    sample.contract(account, mrr_minor=100_00, product=lapsed, status=m.ContractStatus.EXPIRED)
    sample.session.commit()
    data = await graphql.data("query($id: ID!) { account(id: $id) { whitespace { name } } }", {"id": gid(account)})
    assert [product["name"] for product in data["account"]["whitespace"]] == ["Analytics", "Security"]
