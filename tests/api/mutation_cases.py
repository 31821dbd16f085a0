"""For every mutation, a valid input against a given account: the matrix and audit tests run each one.

``World`` is a small organisation: an admin, a manager with one account manager in their team, an account
manager outside it, a viewer; one account owned inside the team and one outside.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from acctgraph import models as m
from acctgraph.graphql.ids import to_global_id
from tests.fixtures import SampleData

TODAY = date.today()


def gid(row: Any) -> str:
    return to_global_id(type(row).__name__, row.id)


@dataclass
class World:
    admin: m.User
    manager: m.User
    team_member: m.User
    outsider: m.User
    viewer: m.User

    @classmethod
    def build(cls, sample: SampleData) -> World:
        manager = sample.user(role=m.Role.MANAGER, name="Manager")
        return cls(
            admin=sample.user(role=m.Role.ADMIN, name="Admin"),
            manager=manager,
            team_member=sample.user(role=m.Role.ACCOUNT_MANAGER, manager_id=manager.id, name="Team member"),
            outsider=sample.user(role=m.Role.ACCOUNT_MANAGER, name="Outsider"),
            viewer=sample.user(role=m.Role.VIEWER, name="Viewer"),
        )

    def account(self, sample: SampleData, owner: m.User) -> m.Account:
        return sample.account(owner_id=owner.id, segment=m.Segment.STRATEGIC)


Case = Callable[[SampleData, m.Account, World], dict[str, Any]]
CASES: dict[str, Case] = {}


def case(mutation: str) -> Callable[[Case], Case]:
    def register(build: Case) -> Case:
        CASES[mutation] = build
        return build

    return register


def _versioned(row: Any, **fields: Any) -> dict[str, Any]:
    return {"id": gid(row), "version": row.version, **fields}


@case("createAccount")
def _create_account(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return {"name": "New Co", "ownerId": to_global_id("User", a.owner_id)}


@case("updateAccount")
def _update_account(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return _versioned(a, name="Renamed")


@case("archiveAccount")
def _archive_account(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return _versioned(a)


@case("setAccountParent")
def _set_account_parent(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return _versioned(a, parentId=gid(s.account(owner_id=a.owner_id)))


@case("transferAccounts")
def _transfer_accounts(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return {
        "accountIds": [gid(a)],
        "toOwnerId": gid(w.manager),
        "effectiveOn": TODAY.isoformat(),
        "reason": "rebalancing",
    }


@case("createContact")
def _create_contact(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return {"accountId": gid(a), "name": "Dana", "buyingRole": "CHAMPION"}


@case("updateContact")
def _update_contact(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return _versioned(s.contact(a), sentiment="POSITIVE")


@case("deactivateContact")
def _deactivate_contact(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return _versioned(s.contact(a))


@case("setContactReportsTo")
def _set_contact_reports_to(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return _versioned(s.contact(a), reportsToId=gid(s.contact(a)))


@case("logActivity")
def _log_activity(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return {"accountId": gid(a), "kind": "CALL", "subject": "Check-in"}


@case("scheduleQbr")
def _schedule_qbr(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return {"accountId": gid(a), "scheduledFor": (datetime.now(UTC) + timedelta(days=7)).isoformat()}


@case("completeQbr")
def _complete_qbr(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    qbr = s.activity(a, kind=m.ActivityKind.QBR, status=m.ActivityStatus.SCHEDULED)
    return _versioned(qbr, notes="Went well")


@case("recordQbr")
def _record_qbr(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    held = (datetime.now(UTC) - timedelta(days=40)).isoformat()
    return {"accountId": gid(a), "heldAt": held, "notes": "Reviewed adoption", "attendeeIds": [gid(s.contact(a))]}


@case("createPlanItem")
def _create_plan_item(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return {"accountId": gid(a), "title": "Expand to EMEA"}


@case("updatePlanItem")
def _update_plan_item(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return _versioned(s.plan_item(a), status="IN_PROGRESS")


@case("createOpportunity")
def _create_opportunity(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return {"accountId": gid(a), "name": "Upsell seats", "kind": "UPSELL", "amountMinor": 5_000_00, "currency": "USD"}


@case("moveOpportunityStage")
def _move_opportunity_stage(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return _versioned(s.opportunity(a), stage="proposal")


@case("closeOpportunity")
def _close_opportunity(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return _versioned(s.opportunity(a), won=True)


@case("updateOpportunity")
def _update_opportunity(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return _versioned(s.opportunity(a), amountMinor=7_500_00, nextStep="Send the order form")


@case("setQuota")
def _set_quota(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return {
        "userId": to_global_id("User", a.owner_id),
        "kind": "NET_NEW_ARR",
        "period": "FY2027-Q1",
        "amountMinor": 250_000_00,
    }


@case("cancelContract")
def _cancel_contract(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return {"id": gid(s.contract(a)), "churnReason": "budget", "reason": "Budget frozen for the year"}


@case("createQuote")
def _create_quote(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    line = {"productId": gid(s.product()), "quantity": 2, "unitPriceMinor": 100_00}
    return {"accountId": gid(a), "title": "Q", "currency": "USD", "lines": [line]}


@case("updateQuote")
def _update_quote(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return _versioned(s.quote(a), discountPercent="5")


@case("changeQuoteStatus")
def _change_quote_status(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return _versioned(s.quote(a), status="PENDING_APPROVAL")


@case("createPromotion")
def _create_promotion(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    period = {"startsOn": TODAY.isoformat(), "endsOn": (TODAY + timedelta(days=30)).isoformat()}
    return {"name": "Strategic spring", "offer": "Free onboarding", **period, "accountIds": [gid(a)]}


@case("recordPromotionResult")
def _record_promotion_result(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return _versioned(s.promotion_target(a), outcome="ENGAGED")


@case("acknowledgeAlert")
def _acknowledge_alert(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return {"id": gid(s.alert(a))}


@case("resolveAlert")
def _resolve_alert(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return {"id": gid(s.alert(a)), "note": "called the customer"}


@case("recordSentiment")
def _record_sentiment(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return {"accountId": gid(a), "sentiment": "NEGATIVE", "note": "budget cuts announced"}


@case("createTask")
def _create_task(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return {"accountId": gid(a), "title": "Call the sponsor", "dueOn": (TODAY + timedelta(days=3)).isoformat()}


@case("updateTask")
def _update_task(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return _versioned(s.task(a), priority="HIGH")


@case("reassignTask")
def _reassign_task(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return _versioned(s.task(a), ownerId=gid(w.manager))


@case("completeTask")
def _complete_task(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return _versioned(s.task(a), outcome="Sponsor confirmed the renewal")


@case("snoozeTask")
def _snooze_task(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return _versioned(s.task(a), until=(TODAY + timedelta(days=2)).isoformat())


@case("cancelTask")
def _cancel_task(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return _versioned(s.task(a), reason="Account churned")


@case("startPlaybook")
def _start_playbook(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return {"accountId": gid(a), "playbook": "onboarding"}


@case("triggerSync")
def _trigger_sync(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return {"connectionId": to_global_id("DataSource", s.connection().id), "fullRefresh": True}


@case("setDataSourceSchedule")
def _set_data_source_schedule(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return {"connectionId": to_global_id("DataSource", s.connection().id), "schedule": "1h"}


@case("createUser")
def _create_user(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return {"email": f"new-{uuid.uuid4().hex[:8]}@example.com", "name": "New Hire", "managerId": gid(w.manager)}


@case("updateUser")
def _update_user(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return {"id": gid(s.user()), "name": "Renamed", "role": "MANAGER"}


@case("deactivateUser")
def _deactivate_user(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return {"id": gid(s.user())}


@case("setUserManager")
def _set_user_manager(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return {"id": gid(s.user()), "managerId": gid(w.manager)}


@case("createWebhookEndpoint")
def _create_webhook_endpoint(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return {"url": "https://hooks.example.com/acctgraph", "eventTypes": ["alert.raised", "task.created"]}


@case("updateWebhookEndpoint")
def _update_webhook_endpoint(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return _versioned(s.webhook_endpoint(), description="Changed")


@case("deleteWebhookEndpoint")
def _delete_webhook_endpoint(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return {"id": gid(s.webhook_endpoint())}


@case("redeliverWebhook")
def _redeliver_webhook(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return {"deliveryId": gid(s.webhook_delivery())}


@case("updateMyNotificationSettings")
def _update_my_notification_settings(s: SampleData, a: m.Account, w: World) -> dict[str, Any]:
    return {"digestEnabled": True, "emailEnabled": True}


SELF_SERVICE = frozenset({"updateMyNotificationSettings"})
"""Mutations that change only the caller's own settings: no account, so no book to be inside or outside."""

ID_FREE_FAILURES: dict[str, tuple[dict[str, Any], str]] = {
    "createWebhookEndpoint": ({"url": "ftp://hooks.example.com"}, "INVALID"),
    "updateMyNotificationSettings": ({"slackEnabled": True}, "REQUIRED"),
}
"""For mutations naming no object: an input that must fail, and its code (instead of an unknown id)."""


def document(mutation: str) -> str:
    input_type = mutation[0].upper() + mutation[1:] + "Input"
    return f"mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ userErrors {{ field message code }} }} }}"


def with_unknown_id(variables: dict[str, Any]) -> dict[str, Any]:
    """The same input with its first id pointing at nothing: the mutation must fail with NOT_FOUND."""
    from strawberry.relay import GlobalID

    for key in ("id", "accountId", "accountIds", "ownerId", "connectionId", "managerId", "deliveryId", "userId"):
        if key in variables:
            value = variables[key]
            first = value[0] if isinstance(value, list) else value
            missing = str(GlobalID(GlobalID.from_id(first).type_name, "999999"))
            return {**variables, key: [missing] if isinstance(value, list) else missing}
    raise AssertionError(f"no id to break in {variables}")


async def mutate(client: Any, mutation: str, variables: dict[str, Any], selection: str = "") -> dict[str, Any]:
    """The payload of one mutation (it must not raise a top-level error)."""
    input_type = mutation[0].upper() + mutation[1:] + "Input"
    query = f"mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ {selection} userErrors {{ field message code }} }} }}"
    return (await client.data(query, {"input": variables}))[mutation]


def codes(payload: dict[str, Any]) -> list[tuple[str | None, str]]:
    return [(error["field"], error["code"]) for error in payload["userErrors"]]
