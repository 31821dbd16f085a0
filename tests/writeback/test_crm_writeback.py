"""Activities, QBRs and tasks made through the API are written back to the CRM the account came from,
exactly once, through the outbox committed with them; a CRM's refusal is visible per record."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from acctgraph import models as m
from acctgraph.graphql.ids import to_global_id
from acctgraph.integration.writeback.delivery import MAX_ATTEMPTS, deliver_pending_writebacks
from acctgraph.settings import Settings
from tests.served_api import ServedApi
from tests.test_cli import acctgraph
from tests.writeback.conftest import Crm

LOG_ACTIVITY = """
mutation Log($input: LogActivityInput!) {
  logActivity(input: $input) { activity { id } userErrors { code message } }
}"""
WRITEBACK = """
query Writeback($id: ID!) {
  node(id: $id) { ... on Activity { crmWriteback { status externalId attempts error connection { name } } } }
}"""


def log_call(api: ServedApi, account_id: int, subject: str, key: str | None = None) -> dict[str, Any]:
    variables = {"input": {"accountId": to_global_id("Account", account_id), "kind": "CALL", "subject": subject}}
    response = api.post({"query": LOG_ACTIVITY, "variables": variables}, key=key)
    assert response.status_code == 200, response.text
    return response.json()


def logged_activity_id(api: ServedApi, account_id: int, subject: str) -> str:
    answer = log_call(api, account_id, subject)
    assert answer["data"]["logActivity"]["userErrors"] == []
    return str(answer["data"]["logActivity"]["activity"]["id"])


def crm_writeback(api: ServedApi, activity_id: str) -> dict[str, Any] | None:
    answer = api.post({"query": WRITEBACK, "variables": {"id": activity_id}}).json()
    assert "errors" not in answer, answer
    return answer["data"]["node"]["crmWriteback"]


def outbox(engine: Engine) -> list[m.CrmWriteback]:
    with Session(engine) as session:
        return list(session.scalars(select(m.CrmWriteback).order_by(m.CrmWriteback.id)))


def make_due(engine: Engine) -> None:
    """As if the backoff had passed."""
    with Session(engine) as session:
        session.execute(update(m.CrmWriteback).values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1)))
        session.commit()


def test_an_activity_logged_through_graphql_reaches_the_crm_exactly_once_though_the_first_attempt_times_out(
    crm: Crm, api: ServedApi, engine: Engine, delivery_settings: Settings
) -> None:
    activity_id = logged_activity_id(api, crm.account_id, "Renewal call with Acme")
    queued = outbox(engine)
    assert [(row.entity, row.status, row.attempts) for row in queued] == [
        (m.WritebackEntity.ACTIVITY, m.WritebackStatus.PENDING, 0)
    ]

    crm.fake.slow_writes = 3  # every request of the first attempt is applied, then answered too late
    first = deliver_pending_writebacks(engine, delivery_settings, limit=10)
    assert (first.delivered, first.retrying) == (0, 1)
    (row,) = outbox(engine)
    assert (row.status, row.attempts, row.external_id) == (m.WritebackStatus.PENDING, 1, None)
    assert "timed out" in (row.last_error or "").lower() or "timeout" in (row.last_error or "").lower()
    assert len(crm.written()) == 1  # the CRM created it on the first request; the retries updated it

    make_due(engine)
    second = deliver_pending_writebacks(engine, delivery_settings, limit=10)
    assert (second.delivered, second.retrying) == (1, 0)
    (written,) = crm.written()
    written_id = written.get("Id") or written.get("id")
    assert crm_writeback(api, activity_id) == {
        "status": "DELIVERED",
        "externalId": written_id,
        "attempts": 2,
        "error": None,
        "connection": {"name": crm.name},
    }

    make_due(engine)
    assert deliver_pending_writebacks(engine, delivery_settings, limit=10).attempted == 0
    assert len(crm.written()) == 1
    assert_written_call(crm, written, "Renewal call with Acme")


def assert_written_call(crm: Crm, written: dict[str, Any], subject: str) -> None:
    if crm.name == "salesforce":
        assert (written["Subject"], written["WhatId"], written["Type"], written["AccountId"]) == (
            subject,
            crm.company_id,
            "Call",
            crm.company_id,
        )
    else:
        assert written["properties"]["hs_call_title"] == subject
        assert crm.fake.companies_of("calls", written["id"]) == [crm.company_id]


def test_the_crm_refusal_is_visible_with_its_message_and_a_retry_after_the_fix_delivers(
    crm: Crm, api: ServedApi, engine: Engine, delivery_settings: Settings, db_url: str
) -> None:
    crm.fake.refuse_writes = "Calls must name the product discussed"
    activity_id = logged_activity_id(api, crm.account_id, "Call about nothing")

    report = deliver_pending_writebacks(engine, delivery_settings, limit=10)
    assert (report.refused, report.delivered) == (1, 0)
    shown = crm_writeback(api, activity_id)
    assert shown is not None
    assert (shown["status"], shown["externalId"], shown["attempts"]) == ("REFUSED", None, 1)
    assert "Calls must name the product discussed" in shown["error"]
    assert crm.written() == []
    make_due(engine)
    assert deliver_pending_writebacks(engine, delivery_settings, limit=10).attempted == 0  # refused stays refused

    listed = acctgraph("writeback", "list", "--status", "refused", database_url=db_url)
    assert listed.returncode == 0, listed.stderr
    (line,) = listed.stdout.splitlines()
    assert line.endswith(f"-> {crm.name}: refused after 1 attempt(s): {shown['error']}")

    crm.fake.refuse_writes = None
    retried = acctgraph("writeback", "retry", "--refused", database_url=db_url)
    assert retried.returncode == 0, retried.stderr
    assert retried.stdout.startswith("1 write-back(s) due again")
    assert deliver_pending_writebacks(engine, delivery_settings, limit=10).delivered == 1
    assert len(crm.written()) == 1


def test_a_rolled_back_change_writes_nothing_to_the_outbox(crm: Crm, serve_api, sample, engine: Engine) -> None:
    outsider = sample.user(role=m.Role.ACCOUNT_MANAGER, email="outsider@tests.acctgraph.dev")
    outsider_key = sample.api_key(outsider)
    sample.session.commit()
    with serve_api() as api:
        answer = log_call(api, crm.account_id, "Not my account", key=outsider_key)
    assert (answer["data"] or {}).get("logActivity") is None
    assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(m.Activity)) == 0
        assert session.scalar(select(func.count()).select_from(m.CrmWriteback)) == 0


def test_nothing_is_written_back_for_an_account_no_crm_brought_in(api: ServedApi, sample, engine: Engine) -> None:
    account = sample.account()
    sample.session.commit()
    activity_id = logged_activity_id(api, account.id, "Call with a hand-made account")
    assert crm_writeback(api, activity_id) is None
    assert outbox(engine) == []


RECORD_QBR = """
mutation Qbr($input: RecordQbrInput!) {
  recordQbr(input: $input) { activity { id } tasks { id crmWriteback { status } } userErrors { code message } }
}"""


def test_a_qbr_with_its_next_steps_is_written_as_the_meeting_and_a_task(
    crm: Crm, api: ServedApi, engine: Engine, delivery_settings: Settings, sample
) -> None:
    owner = sample.user(role=m.Role.ACCOUNT_MANAGER, email="owner@tests.acctgraph.dev")
    sample.session.commit()
    due = date.today() + timedelta(days=14)
    variables = {
        "input": {
            "accountId": to_global_id("Account", crm.account_id),
            "heldAt": (datetime.now(UTC) - timedelta(days=1)).isoformat(),
            "notes": "Reviewed adoption",
            "outcomes": "Expand to the EU team",
            "nextSteps": [{"title": "Send the EU quote", "ownerId": to_global_id("User", owner.id), "dueOn": str(due)}],
        }
    }
    answer = api.post({"query": RECORD_QBR, "variables": variables}).json()
    assert answer["data"]["recordQbr"]["userErrors"] == []
    assert answer["data"]["recordQbr"]["tasks"][0]["crmWriteback"] == {"status": "PENDING"}
    assert sorted(row.entity for row in outbox(engine)) == [m.WritebackEntity.QBR, m.WritebackEntity.TASK]

    assert deliver_pending_writebacks(engine, delivery_settings, limit=10).delivered == 2
    if crm.name == "salesforce":
        (event,) = crm.fake.written("Event")
        (task,) = crm.fake.written("Task")
        description, task_subject, task_due = event["Description"], task["Subject"], task["ActivityDate"]
    else:
        (meeting,) = crm.fake.written("meetings")
        (task,) = crm.fake.written("tasks")
        description = meeting["properties"]["hs_meeting_body"]
        task_subject, task_due = task["properties"]["hs_task_subject"], task["properties"]["hs_timestamp"][:10]
    assert "Reviewed adoption" in description
    assert "Outcomes: Expand to the EU team" in description
    assert f"- Send the EU quote (due {due.isoformat()}, owner@tests.acctgraph.dev)" in description
    assert (task_subject, task_due) == ("Send the EU quote", due.isoformat())


def test_a_crm_that_keeps_failing_is_tried_again_with_doubling_waits_then_the_row_fails(
    crm: Crm, api: ServedApi, engine: Engine, delivery_settings: Settings
) -> None:
    logged_activity_id(api, crm.account_id, "Call while the CRM is down")
    write_path = "/services/data" if crm.name == "salesforce" else "/crm/v"
    crm.fake.controls.throttle(write_path, times=10_000, retry_after=0)  # 429 on every request, forever

    for attempt in range(1, MAX_ATTEMPTS + 1):
        make_due(engine)
        started = datetime.now(UTC)
        report = deliver_pending_writebacks(engine, delivery_settings, limit=10)
        finished = datetime.now(UTC)
        (row,) = outbox(engine)
        assert row.attempts == attempt
        if attempt < MAX_ATTEMPTS:
            assert (report.retrying, row.status) == (1, m.WritebackStatus.PENDING)
            expected_wait = timedelta(minutes=min(2 ** (attempt - 1), 360))  # 1, 2, 4 ... minutes, at most 6 h
            assert started + expected_wait <= row.next_attempt_at <= finished + expected_wait
            assert "HTTP 429" in (row.last_error or "")
    assert (report.failed, row.status) == (1, m.WritebackStatus.FAILED)
    assert f"gave up after {MAX_ATTEMPTS} attempts" in (row.last_error or "")
    assert crm.written() == []


CREATE_TASK = """
mutation Create($input: CreateTaskInput!) {
  createTask(input: $input) { task { id title crmWriteback { status externalId } } userErrors { code message } }
}"""
TASK_WRITEBACK = """
query Task($id: ID!) { node(id: $id) { ... on Task { crmWriteback { status externalId attempts } } } }
"""


def test_a_task_created_through_graphql_is_written_as_a_crm_task(
    crm: Crm, api: ServedApi, engine: Engine, delivery_settings: Settings, sample
) -> None:
    owner = sample.user(role=m.Role.ACCOUNT_MANAGER, email="owner@tests.acctgraph.dev")
    sample.session.commit()
    due = date.today() + timedelta(days=3)
    variables = {
        "input": {
            "accountId": to_global_id("Account", crm.account_id),
            "title": "Chase the signed order form",
            "dueOn": str(due),
            "ownerId": to_global_id("User", owner.id),
            "priority": "URGENT",
        }
    }
    created = api.post({"query": CREATE_TASK, "variables": variables}).json()["data"]["createTask"]
    assert created["userErrors"] == []
    assert created["task"]["crmWriteback"] == {"status": "PENDING", "externalId": None}

    assert deliver_pending_writebacks(engine, delivery_settings, limit=10).delivered == 1
    (written,) = crm.written()
    if crm.name == "salesforce":
        written_id = written["Id"]
        shown = (written["Subject"], written["ActivityDate"], written["Priority"], written["Status"])
        assert shown == ("Chase the signed order form", due.isoformat(), "High", "Not Started")
    else:
        written_id = written["id"]
        properties = written["properties"]
        shown = (properties["hs_task_subject"], properties["hs_timestamp"][:10], properties["hs_task_priority"])
        assert shown == ("Chase the signed order form", due.isoformat(), "HIGH")
        assert crm.fake.companies_of("tasks", written_id) == [crm.company_id]
    answer = api.post({"query": TASK_WRITEBACK, "variables": {"id": created["task"]["id"]}}).json()
    assert answer["data"]["node"]["crmWriteback"] == {"status": "DELIVERED", "externalId": written_id, "attempts": 1}


def test_two_workers_delivering_at_once_write_each_change_once(
    crm: Crm, api: ServedApi, engine: Engine, delivery_settings: Settings
) -> None:
    for number in range(3):
        logged_activity_id(api, crm.account_id, f"Call {number}")
    crm.fake.controls.delay = 0.2  # each write takes a while, so the two workers overlap
    write_path = "/sobjects/" if crm.name == "salesforce" else "/batch/upsert"

    with ThreadPoolExecutor(max_workers=2) as workers:
        reports = list(workers.map(lambda _: deliver_pending_writebacks(engine, delivery_settings, 10), range(2)))

    assert sum(report.delivered for report in reports) == 3
    assert sum(report.attempted for report in reports) == 3
    assert len([path for path in crm.fake.controls.paths() if write_path in path]) == 3
    assert sorted(r.get("Subject") or r["properties"]["hs_call_title"] for r in crm.written()) == [
        "Call 0",
        "Call 1",
        "Call 2",
    ]
