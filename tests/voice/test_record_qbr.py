"""A QBR that already happened can be recorded afterwards (backfill): done, dated in the past, with
attendees and next steps as open tasks; a future one is refused with the mutation to use instead."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.api.mutation_cases import codes, gid, mutate
from tests.fixtures import TODAY

SELECTION = (
    "activity { kind status occurredAt body outcomes attendees { name } } tasks { title origin dueOn qbr { id } }"
)


async def test_a_past_qbr_is_recorded_with_next_steps(graphql, sample) -> None:
    owner = sample.user()
    account = sample.account(owner_id=owner.id)
    contact = sample.contact(account, name="Dana")
    sample.session.commit()
    held = datetime(TODAY.year - 1, 3, 4, 15, tzinfo=UTC)
    due = (TODAY + timedelta(days=5)).isoformat()
    variables = {
        "accountId": gid(account),
        "heldAt": held.isoformat(),
        "notes": "Adoption reviewed",
        "outcomes": "Expansion next quarter",
        "attendeeIds": [gid(contact)],
        "nextSteps": [{"title": "Send the expansion quote", "ownerId": gid(owner), "dueOn": due}],
    }

    payload = await mutate(graphql, "recordQbr", variables, SELECTION)

    assert payload["userErrors"] == []
    activity = payload["activity"]
    assert (activity["kind"], activity["status"], activity["body"], activity["outcomes"]) == (
        "QBR",
        "DONE",
        "Adoption reviewed",
        "Expansion next quarter",
    )
    assert datetime.fromisoformat(activity["occurredAt"]) == held
    assert activity["attendees"] == [{"name": "Dana"}]
    assert [(t["title"], t["origin"], t["dueOn"]) for t in payload["tasks"]] == [
        ("Send the expansion quote", "QBR", due)
    ]
    assert payload["tasks"][0]["qbr"]["id"] is not None


async def test_a_future_qbr_is_refused_with_the_mutation_to_use(graphql, sample) -> None:
    account = sample.account()
    sample.session.commit()
    later = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    payload = await mutate(graphql, "recordQbr", {"accountId": gid(account), "heldAt": later, "notes": "x"}, SELECTION)
    assert codes(payload) == [("heldAt", "IN_FUTURE")]
    assert "scheduleQbr" in payload["userErrors"][0]["message"]
