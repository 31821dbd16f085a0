"""Activity mutations: logging, and a QBR from scheduling to next-step tasks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from acctgraph import models as m
from tests.api.mutation_cases import TODAY, codes, gid, mutate

ACTIVITY = "activity { kind subject status body outcomes version author { email } attendees { name } }"


async def test_log_a_call_with_attendees(graphql, sample) -> None:
    account = sample.account()
    ana, bo = sample.contact(account, name="Ana"), sample.contact(account, name="Bo")
    sample.session.commit()
    variables = {
        "accountId": gid(account),
        "kind": "CALL",
        "subject": "Renewal check",
        "attendeeIds": [gid(bo), gid(ana)],
    }
    payload = await mutate(graphql, "logActivity", variables, ACTIVITY)
    activity = payload["activity"]
    assert (activity["kind"], activity["status"], activity["subject"]) == ("CALL", "DONE", "Renewal check")
    assert [attendee["name"] for attendee in activity["attendees"]] == ["Ana", "Bo"]


async def test_log_refuses_qbrs_future_dates_and_foreign_attendees(graphql, sample) -> None:
    account = sample.account()
    outsider = sample.contact(sample.account())
    sample.session.commit()
    base = {"accountId": gid(account), "subject": "x"}
    assert codes(await mutate(graphql, "logActivity", {**base, "kind": "QBR"}, ACTIVITY)) == [("kind", "INVALID_KIND")]
    future = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    assert codes(await mutate(graphql, "logActivity", {**base, "kind": "NOTE", "occurredAt": future}, ACTIVITY)) == [
        ("occurredAt", "IN_FUTURE")
    ]
    foreign = {**base, "kind": "MEETING", "attendeeIds": [gid(outsider)]}
    assert codes(await mutate(graphql, "logActivity", foreign, ACTIVITY)) == [("attendeeIds.0", "NOT_ATTENDEE")]


async def test_qbr_scheduled_then_completed_with_next_steps_as_tasks(graphql, sample) -> None:
    account = sample.account()
    owner = sample.user(email="owner@example.com")
    sample.session.commit()
    when = (datetime.now(UTC) + timedelta(days=14)).isoformat()
    scheduled = await mutate(
        graphql,
        "scheduleQbr",
        {"accountId": gid(account), "scheduledFor": when},
        "activity { id version status kind subject }",
    )
    qbr = scheduled["activity"]
    assert (qbr["kind"], qbr["status"], qbr["subject"]) == ("QBR", "SCHEDULED", "Quarterly business review")
    due = (TODAY + timedelta(days=10)).isoformat()
    variables = {
        "id": qbr["id"],
        "version": qbr["version"],
        "notes": "Adoption up 20%",
        "outcomes": "Expansion agreed in principle",
        "nextSteps": [{"title": "Send expansion quote", "ownerId": gid(owner), "dueOn": due}],
    }
    done = await mutate(
        graphql,
        "completeQbr",
        variables,
        "activity { status body outcomes } tasks { origin status title dueOn owner { email } qbr { id } }",
    )
    assert done["activity"] == {
        "status": "DONE",
        "body": "Adoption up 20%",
        "outcomes": "Expansion agreed in principle",
    }
    assert done["tasks"] == [
        {
            "origin": "QBR",
            "status": "OPEN",
            "title": "Send expansion quote",
            "dueOn": due,
            "owner": {"email": "owner@example.com"},
            "qbr": {"id": qbr["id"]},
        }
    ]
    again = await mutate(graphql, "completeQbr", {**variables, "version": 2}, "tasks { title }")
    assert codes(again) == [("id", "NOT_SCHEDULED_QBR")]


async def test_qbr_rules(graphql, sample) -> None:
    account = sample.account()
    owner = sample.user()
    sample.session.commit()
    past = (datetime.now(UTC) - timedelta(days=2)).isoformat()
    assert codes(
        await mutate(graphql, "scheduleQbr", {"accountId": gid(account), "scheduledFor": past}, "activity { id }")
    ) == [("scheduledFor", "IN_PAST")]
    when = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    qbr = (await mutate(graphql, "scheduleQbr", {"accountId": gid(account), "scheduledFor": when}, "activity { id }"))[
        "activity"
    ]
    overdue = {"title": "Late", "ownerId": gid(owner), "dueOn": (TODAY - timedelta(days=1)).isoformat()}
    payload = await mutate(
        graphql,
        "completeQbr",
        {"id": qbr["id"], "version": 1, "notes": "n", "nextSteps": [overdue]},
        "tasks { title }",
    )
    assert codes(payload) == [("nextSteps.0.dueOn", "IN_PAST")]
    missing_title = {"ownerId": gid(owner), "dueOn": TODAY.isoformat(), "title": ""}
    payload = await mutate(
        graphql,
        "completeQbr",
        {"id": qbr["id"], "version": 1, "notes": "n", "nextSteps": [missing_title]},
        "tasks { title }",
    )
    assert codes(payload) == [("nextSteps.0.title", "INVALID")]


async def test_next_step_owner_must_be_active(graphql, sample) -> None:
    account = sample.account()
    gone = sample.user(active=False)
    qbr = sample.activity(account, kind=m.ActivityKind.QBR, status=m.ActivityStatus.SCHEDULED)
    sample.session.commit()
    step = {"title": "Follow up", "ownerId": gid(gone), "dueOn": TODAY.isoformat()}
    payload = await mutate(
        graphql, "completeQbr", {"id": gid(qbr), "version": 1, "notes": "n", "nextSteps": [step]}, ""
    )
    assert codes(payload) == [("nextSteps.0.ownerId", "INACTIVE_OWNER")]
    sample.session.refresh(qbr)
    assert qbr.status is m.ActivityStatus.SCHEDULED
