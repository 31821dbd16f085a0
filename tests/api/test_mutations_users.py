"""Admin-only user mutations: create, update, deactivate, set manager; no loops, no lost last admin."""

from __future__ import annotations

from acctgraph import models as m
from tests.api.mutation_cases import codes, gid, mutate

USER = "user { email name role active manager { email } }"


async def test_create_user_under_a_manager_then_update_them(graphql, sample) -> None:
    boss = sample.user(email="boss@example.com", role=m.Role.MANAGER)
    sample.session.commit()

    created = await mutate(
        graphql, "createUser", {"email": " Ana@Example.com ", "name": "Ana", "managerId": gid(boss)}, USER
    )
    assert created["userErrors"] == []
    assert created["user"] == {
        "email": "ana@example.com",
        "name": "Ana",
        "role": "ACCOUNT_MANAGER",
        "active": True,
        "manager": {"email": "boss@example.com"},
    }
    ana = sample.session.query(m.User).filter_by(email="ana@example.com").one()
    updated = await mutate(graphql, "updateUser", {"id": gid(ana), "role": "MANAGER", "name": "Ana B."}, USER)
    assert (updated["user"]["role"], updated["user"]["name"]) == ("MANAGER", "Ana B.")


async def test_bad_user_input_is_a_user_error_and_changes_nothing(graphql, sample) -> None:
    taken = sample.user(email="taken@example.com")
    sample.session.commit()

    duplicate = await mutate(graphql, "createUser", {"email": "TAKEN@example.com", "name": "Twin"})
    not_an_email = await mutate(graphql, "createUser", {"email": "nobody", "name": "X"})
    empty_name = await mutate(graphql, "updateUser", {"id": gid(taken), "name": None})

    assert codes(duplicate) == [("email", "EMAIL_TAKEN")]
    assert codes(not_an_email) == [("email", "INVALID")]
    assert codes(empty_name) == [("name", "REQUIRED")]
    sample.session.expire_all()
    assert sample.session.query(m.User).filter(m.User.name.in_(["Twin", "X"])).count() == 0


async def test_a_manager_cycle_is_refused(graphql, sample) -> None:
    top = sample.user(role=m.Role.MANAGER)
    middle = sample.user(role=m.Role.MANAGER, manager_id=top.id)
    bottom = sample.user(manager_id=middle.id)
    sample.session.commit()

    loop = await mutate(graphql, "setUserManager", {"id": gid(top), "managerId": gid(bottom)})
    self_loop = await mutate(graphql, "setUserManager", {"id": gid(middle), "managerId": gid(middle)})
    moved = await mutate(graphql, "setUserManager", {"id": gid(bottom), "managerId": gid(top)}, USER)
    to_top = await mutate(graphql, "setUserManager", {"id": gid(middle), "managerId": None}, USER)

    assert codes(loop) == [("managerId", "CYCLE")]
    assert codes(self_loop) == [("managerId", "CYCLE")]
    assert moved["user"]["manager"] == {"email": top.email}
    assert to_top["user"]["manager"] is None


async def test_a_deactivated_users_key_stops_working(graphql, sample) -> None:
    leaver = sample.user(role=m.Role.MANAGER)
    sample.session.commit()
    leaver_client = graphql.acting_as(leaver)
    assert (await leaver_client.post("{ me { role } }")).status_code == 200

    done = await mutate(graphql, "deactivateUser", {"id": gid(leaver)}, USER)
    again = await mutate(graphql, "deactivateUser", {"id": gid(leaver)})

    assert done["user"]["active"] is False
    assert codes(again) == [("id", "INACTIVE")]
    refused = await leaver_client.post("{ me { role } }")
    assert refused.status_code == 401
    assert "deactivated" in refused.json()["errors"][0]["message"]


async def test_the_last_active_admin_can_be_neither_demoted_nor_deactivated(graphql, sample) -> None:
    me = (await graphql.data("{ me { user { id } } }"))["me"]["user"]["id"]

    demoted = await mutate(graphql, "updateUser", {"id": me, "role": "VIEWER"})
    deactivated = await mutate(graphql, "deactivateUser", {"id": me})
    second = sample.user(role=m.Role.ADMIN)
    sample.session.commit()
    demoted_with_a_second_admin = await mutate(graphql, "updateUser", {"id": gid(second), "role": "VIEWER"}, USER)

    assert codes(demoted) == [("id", "LAST_ADMIN")]
    assert codes(deactivated) == [("id", "LAST_ADMIN")]
    assert demoted_with_a_second_admin["user"]["role"] == "VIEWER"
