"""Account mutations: create, update, archive, set parent, transfer; optimistic concurrency."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from acctgraph import models as m
from tests.api.mutation_cases import TODAY, codes, gid, mutate

ACCOUNT = "account { id name version segment archivedAt owner { email } parent { name } }"


async def test_create_account_with_domain_defaults_owner_to_the_caller(graphql, sample) -> None:
    am = sample.user(email="am@example.com")
    sample.session.commit()
    client = graphql.acting_as(am)
    payload = await mutate(
        client, "createAccount", {"name": "  Acme  ", "domain": "ACME.io", "segment": "ENTERPRISE"}, ACCOUNT
    )
    assert payload["userErrors"] == []
    assert payload["account"]["name"] == "Acme" and payload["account"]["owner"]["email"] == "am@example.com"
    assert payload["account"]["version"] == 1
    again = await mutate(client, "createAccount", {"name": "Acme 2", "domain": "acme.io"}, ACCOUNT)
    assert codes(again) == [("domain", "DOMAIN_TAKEN")] and again["account"] is None


async def test_create_account_validation_says_what_to_fix(graphql, sample) -> None:
    viewer = sample.user(role=m.Role.VIEWER)
    account = sample.account()
    sample.session.commit()
    payload = await mutate(graphql, "createAccount", {"name": " ", "domain": "not a domain"}, ACCOUNT)
    assert sorted(codes(payload)) == [("domain", "INVALID"), ("name", "INVALID")]
    assert any("at least 1 character" in error["message"] for error in payload["userErrors"])
    owner = await mutate(graphql, "createAccount", {"name": "X", "ownerId": gid(viewer)}, ACCOUNT)
    assert codes(owner) == [("ownerId", "INVALID_OWNER")]
    wrong_type = await mutate(graphql, "createAccount", {"name": "X", "ownerId": gid(account)}, ACCOUNT)
    assert codes(wrong_type) == [("ownerId", "INVALID_ID")]


async def test_update_changes_only_given_fields_and_bumps_version(graphql, sample) -> None:
    account = sample.account(name="Old", industry="Retail")
    sample.session.commit()
    payload = await mutate(graphql, "updateAccount", {"id": gid(account), "version": 1, "name": "New"}, ACCOUNT + " ")
    assert payload["account"]["name"] == "New" and payload["account"]["version"] == 2
    sample.session.refresh(account)
    assert account.industry == "Retail"
    cleared = await mutate(graphql, "updateAccount", {"id": gid(account), "version": 2, "segment": None}, ACCOUNT)
    assert codes(cleared) == [("segment", "REQUIRED")]


async def test_stale_update_is_refused_and_changes_nothing(graphql, sample) -> None:
    account = sample.account(name="Original")
    sample.session.commit()
    first = await mutate(graphql, "updateAccount", {"id": gid(account), "version": 1, "name": "First writer"}, ACCOUNT)
    assert first["userErrors"] == []
    stale = await mutate(graphql, "updateAccount", {"id": gid(account), "version": 1, "name": "Second writer"}, ACCOUNT)
    assert codes(stale) == [("version", "STALE_VERSION")]
    assert "reload it" in stale["userErrors"][0]["message"]
    sample.session.refresh(account)
    assert (account.name, account.version) == ("First writer", 2)
    audits = sample.session.scalar(select(func.count()).where(m.AuditRecord.entity_id == account.id))
    assert audits == 1


async def test_archived_account_is_hidden_from_lists_but_readable_and_frozen(graphql, sample) -> None:
    account = sample.account(name="Gone")
    sample.account(name="Here")
    sample.session.commit()
    archived = await mutate(graphql, "archiveAccount", {"id": gid(account), "version": 1}, ACCOUNT)
    assert archived["account"]["archivedAt"] is not None
    listed = await graphql.data("{ accounts { nodes { name } } }")
    assert [node["name"] for node in listed["accounts"]["nodes"]] == ["Here"]
    everything = await graphql.data("{ accounts(filter: {includeArchived: true}) { totalCount } }")
    assert everything["accounts"]["totalCount"] == 2
    assert (await graphql.data("query($id: ID!) { account(id: $id) { name } }", {"id": gid(account)}))["account"][
        "name"
    ] == "Gone"
    again = await mutate(graphql, "archiveAccount", {"id": gid(account), "version": 2}, ACCOUNT)
    assert codes(again) == [("id", "ARCHIVED")]


async def test_set_parent_refuses_cycles(graphql, sample) -> None:
    group = sample.account(name="Group")
    subsidiary = sample.account(name="Subsidiary", parent_id=group.id)
    sample.session.commit()
    loop = await mutate(
        graphql, "setAccountParent", {"id": gid(group), "version": 1, "parentId": gid(subsidiary)}, ACCOUNT
    )
    assert codes(loop) == [("parentId", "CYCLE")]
    itself = await mutate(
        graphql, "setAccountParent", {"id": gid(group), "version": 1, "parentId": gid(group)}, ACCOUNT
    )
    assert codes(itself) == [("parentId", "CYCLE")]
    detached = await mutate(
        graphql, "setAccountParent", {"id": gid(subsidiary), "version": 1, "parentId": None}, ACCOUNT
    )
    assert detached["account"]["parent"] is None
    missing = await mutate(
        graphql, "setAccountParent", {"id": gid(group), "version": 1, "parentId": "QWNjb3VudDo5OTk5"}, ACCOUNT
    )
    assert codes(missing) == [("parentId", "NOT_FOUND")]


async def test_transfer_moves_accounts_and_keeps_ownership_history(graphql, sample) -> None:
    old, new = sample.user(email="old@example.com"), sample.user(email="new@example.com")
    accounts = [sample.account(owner_id=old.id) for _ in range(3)]
    sample.session.commit()
    variables = {
        "accountIds": [gid(account) for account in accounts],
        "toOwnerId": gid(new),
        "effectiveOn": TODAY.isoformat(),
        "reason": "FY27 book rebalancing",
    }
    payload = await mutate(graphql, "transferAccounts", variables, "accounts { owner { email } }")
    assert [account["owner"]["email"] for account in payload["accounts"]] == ["new@example.com"] * 3
    history = await graphql.data(
        "query($id: ID!) { account(id: $id) { ownerHistory { nodes { effectiveOn reason fromOwner { email } toOwner { email } changedBy { role } } } } }",
        {"id": gid(accounts[0])},
    )
    (change,) = history["account"]["ownerHistory"]["nodes"]
    assert change == {
        "effectiveOn": TODAY.isoformat(),
        "reason": "FY27 book rebalancing",
        "fromOwner": {"email": "old@example.com"},
        "toOwner": {"email": "new@example.com"},
        "changedBy": {"role": "ADMIN"},
    }


async def test_transfer_is_all_or_nothing(graphql, sample) -> None:
    old, new = sample.user(), sample.user()
    moving, already = sample.account(owner_id=old.id), sample.account(owner_id=new.id)
    sample.session.commit()
    base = {"toOwnerId": gid(new), "effectiveOn": TODAY.isoformat(), "reason": "rebalancing"}
    payload = await mutate(
        graphql, "transferAccounts", {**base, "accountIds": [gid(moving), gid(already)]}, "accounts { id }"
    )
    assert codes(payload) == [("accountIds.1", "ALREADY_OWNER")] and payload["accounts"] == []
    sample.session.refresh(moving)
    assert moving.owner_id == old.id
    assert sample.session.scalar(select(func.count()).select_from(m.OwnershipChange)) == 0
    far = {**base, "accountIds": [gid(moving)], "effectiveOn": (TODAY + timedelta(days=400)).isoformat()}
    assert codes(await mutate(graphql, "transferAccounts", far, "accounts { id }")) == [("effectiveOn", "INVALID_DATE")]
    short = {**base, "accountIds": [gid(moving)], "reason": "x"}
    assert codes(await mutate(graphql, "transferAccounts", short, "accounts { id }")) == [("reason", "INVALID")]
    dup = {**base, "accountIds": [gid(moving), gid(moving)]}
    assert codes(await mutate(graphql, "transferAccounts", dup, "accounts { id }")) == [("accountIds", "DUPLICATE")]


async def test_manager_may_transfer_within_the_team_not_out_of_it(graphql, sample) -> None:
    manager = sample.user(role=m.Role.MANAGER)
    lead = sample.user(role=m.Role.MANAGER, manager_id=manager.id)
    deep = sample.user(manager_id=lead.id)
    stranger = sample.user()
    account = sample.account(owner_id=deep.id)
    sample.session.commit()
    client = graphql.acting_as(manager)
    base = {"accountIds": [gid(account)], "effectiveOn": TODAY.isoformat(), "reason": "rebalancing"}
    inside = await mutate(client, "transferAccounts", {**base, "toOwnerId": gid(lead)}, "accounts { id }")
    assert inside["userErrors"] == []
    result = await client.execute(
        "mutation($input: TransferAccountsInput!) { transferAccounts(input: $input) { userErrors { code } } }",
        {"input": {**base, "toOwnerId": gid(stranger)}},
    )
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    sample.session.refresh(account)
    assert account.owner_id == lead.id
    operations = sample.session.scalars(select(m.AuditRecord.operation).where(m.AuditRecord.entity_type == "Account"))
    assert list(operations) == ["transferAccounts"]
