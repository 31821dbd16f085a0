"""The audit log: before/after of changed fields, filters, admins only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from acctgraph import models as m
from tests.api.mutation_cases import gid, mutate

AUDIT = """query($filter: AuditFilter) { auditLog(filter: $filter) { totalCount nodes {
    operation entityType entityGlobalId action changes actor { email } apiKeyName } } }"""


async def test_audit_log_records_before_and_after_and_filters(graphql, sample) -> None:
    am = sample.user(email="am@example.com")
    account = sample.account(name="Before", owner_id=am.id)
    other = sample.account(name="Other", owner_id=am.id)
    sample.session.commit()
    client = graphql.acting_as(am)
    await mutate(
        client, "updateAccount", {"id": gid(account), "version": 1, "name": "After", "region": "EMEA"}, "account { id }"
    )
    await mutate(client, "updateAccount", {"id": gid(other), "version": 1, "industry": "Retail"}, "account { id }")

    log = (await graphql.data(AUDIT, {"filter": {"entityId": gid(account)}}))["auditLog"]
    assert log["totalCount"] == 1
    (entry,) = log["nodes"]
    assert entry["operation"] == "updateAccount" and entry["action"] == "updated"
    assert entry["entityType"] == "Account" and entry["entityGlobalId"] == gid(account)
    assert entry["changes"] == {
        "name": {"before": "Before", "after": "After"},
        "region": {"before": None, "after": "EMEA"},
    }
    assert entry["actor"] == {"email": "am@example.com"} and entry["apiKeyName"] == "test key"

    by_actor = await graphql.data(AUDIT, {"filter": {"actorId": gid(am), "entityType": "Account"}})
    assert by_actor["auditLog"]["totalCount"] == 2
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert (await graphql.data(AUDIT, {"filter": {"since": future}}))["auditLog"]["totalCount"] == 0


async def test_audit_log_is_for_admins_only(graphql, sample) -> None:
    sample.session.commit()
    for role in (m.Role.MANAGER, m.Role.ACCOUNT_MANAGER, m.Role.VIEWER):
        result = await graphql.acting_as(role=role).execute(AUDIT)
        assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN", role
    assert (await graphql.data(AUDIT))["auditLog"]["totalCount"] == 0


async def test_every_role_reads_accounts(graphql, sample) -> None:
    sample.account()
    sample.session.commit()
    for role in m.Role:
        data = await graphql.acting_as(role=role).data("{ accounts { totalCount } }")
        assert data["accounts"]["totalCount"] == 1
