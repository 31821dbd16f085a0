"""Tasks through the API: the to-do list (overdue first, snoozed hidden until their day, team view) and the
rules each task mutation keeps."""

from __future__ import annotations

from datetime import timedelta

from acctgraph import models as m
from tests.api.mutation_cases import codes, gid, mutate
from tests.fixtures import TODAY

MY_TASKS = """
query($filter: TaskFilter, $scope: TaskScope) {
  me { tasks(filter: $filter, scope: $scope, first: 50) {
    totalCount nodes { title dueOn overdue status origin owner { name } account { name } }
  } }
}
"""


async def _titles(client, **variables) -> list[str]:  # type: ignore[no-untyped-def]
    data = await client.data(MY_TASKS, variables)
    return [node["title"] for node in data["me"]["tasks"]["nodes"]]


async def test_to_do_list_is_overdue_first_and_hides_closed_and_snoozed_tasks(graphql, sample) -> None:
    me, other = sample.user(name="Ana"), sample.user()
    account = sample.account(owner_id=me.id)
    sample.task(account, title="next week", due_on=TODAY + timedelta(days=7))
    sample.task(account, title="overdue", due_on=TODAY - timedelta(days=3))
    sample.task(account, title="today", due_on=TODAY)
    sample.task(account, title="done", due_on=TODAY - timedelta(days=9), status=m.TaskStatus.DONE)
    sample.task(account, title="cancelled", status=m.TaskStatus.CANCELLED)
    sample.task(account, title="snoozed", status=m.TaskStatus.SNOOZED, snoozed_until=TODAY + timedelta(days=1))
    sample.task(account, title="woke up", status=m.TaskStatus.SNOOZED, snoozed_until=TODAY, due_on=TODAY)
    sample.task(account, title="someone else's", owner_id=other.id)
    sample.session.commit()
    client = graphql.acting_as(me)

    data = await client.data(MY_TASKS)
    nodes = data["me"]["tasks"]["nodes"]
    assert [node["title"] for node in nodes] == ["overdue", "today", "woke up", "next week"]
    assert [node["overdue"] for node in nodes] == [True, False, False, False]
    assert data["me"]["tasks"]["totalCount"] == 4
    assert nodes[0]["owner"] == {"name": "Ana"}
    assert await _titles(client, filter={"dueBy": TODAY.isoformat()}) == ["overdue", "today", "woke up"]
    assert "snoozed" in await _titles(client, filter={"includeSnoozed": True})
    assert await _titles(client, filter={"statuses": ["DONE", "CANCELLED"]}) == ["done", "cancelled"]


async def test_team_view_lists_the_reports_tasks_not_the_managers_own(graphql, sample) -> None:
    manager = sample.user(role=m.Role.MANAGER)
    lead = sample.user(manager_id=manager.id, role=m.Role.MANAGER)
    rep = sample.user(manager_id=lead.id)
    stranger = sample.user()
    for owner in (manager, lead, rep, stranger):
        sample.task(sample.account(owner_id=owner.id), title=f"task of {owner.id}")
    sample.session.commit()

    team = await _titles(graphql.acting_as(manager), scope="TEAM")
    assert sorted(team) == sorted([f"task of {lead.id}", f"task of {rep.id}"])
    assert await _titles(graphql.acting_as(rep), scope="TEAM") == []
    assert await _titles(graphql.acting_as(manager)) == [f"task of {manager.id}"]


async def test_account_tasks_filter_by_status(graphql, sample) -> None:
    account = sample.account(owner_id=sample.user().id)
    sample.task(account, title="open")
    sample.task(account, title="done", status=m.TaskStatus.DONE)
    sample.session.commit()
    query = "query($id: ID!, $s: [TaskStatus!]) { node(id: $id) { ... on Account { tasks(statuses: $s) { nodes { title } } } } }"
    everything = await graphql.data(query, {"id": gid(account)})
    assert [node["title"] for node in everything["node"]["tasks"]["nodes"]] == ["open", "done"]
    done = await graphql.data(query, {"id": gid(account), "s": ["DONE"]})
    assert [node["title"] for node in done["node"]["tasks"]["nodes"]] == ["done"]


async def test_task_lifecycle_and_its_rules(graphql, sample) -> None:
    owner, viewer = sample.user(name="Owner"), sample.user(role=m.Role.VIEWER)
    account = sample.account(owner_id=owner.id)
    sample.session.commit()
    selection = "task { id version status owner { name } snoozedUntil outcome closedAt priority }"
    soon = (TODAY + timedelta(days=2)).isoformat()

    past = {"accountId": gid(account), "title": "Late", "dueOn": (TODAY - timedelta(days=1)).isoformat()}
    assert codes(await mutate(graphql, "createTask", past, selection)) == [("dueOn", "IN_PAST")]
    created = await mutate(graphql, "createTask", {**past, "dueOn": soon, "priority": "HIGH"}, selection)
    task = created["task"]
    assert (task["owner"], task["status"], task["priority"]) == ({"name": "Owner"}, "OPEN", "HIGH")

    to_viewer = {"id": task["id"], "version": task["version"], "ownerId": gid(viewer)}
    assert codes(await mutate(graphql, "reassignTask", to_viewer, selection)) == [("ownerId", "VIEWER_OWNER")]
    cleared = {"id": task["id"], "version": task["version"], "title": None}
    assert codes(await mutate(graphql, "updateTask", cleared, selection)) == [("title", "REQUIRED")]
    today = {"id": task["id"], "version": task["version"], "until": TODAY.isoformat()}
    assert codes(await mutate(graphql, "snoozeTask", today, selection)) == [("until", "NOT_LATER")]

    snoozed = (await mutate(graphql, "snoozeTask", {**today, "until": soon}, selection))["task"]
    assert (snoozed["status"], snoozed["snoozedUntil"]) == ("SNOOZED", soon)
    stale = {"id": task["id"], "version": task["version"], "outcome": "done"}
    assert codes(await mutate(graphql, "completeTask", stale, selection)) == [("version", "STALE_VERSION")]
    done = (await mutate(graphql, "completeTask", {**stale, "version": snoozed["version"]}, selection))["task"]
    assert (done["status"], done["outcome"], done["snoozedUntil"]) == ("DONE", "done", None)
    assert done["closedAt"] is not None
    again = {"id": task["id"], "version": done["version"], "reason": "not needed"}
    assert codes(await mutate(graphql, "cancelTask", again, selection)) == [("id", "TASK_CLOSED")]
