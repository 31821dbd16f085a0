"""Playbooks: the file that defines them, the triggers that start them once each, who gets each step,
starting one by hand, and closing a run's tasks when its alert is resolved by hand."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from acctgraph import models as m
from acctgraph.domain.tasks.playbook_config import PlaybookConfig, PlaybookConfigError, load_playbooks
from acctgraph.domain.tasks.playbooks import ALERT_RESOLVED_OUTCOME, run_playbooks
from tests.api.mutation_cases import codes, gid, mutate
from tests.fixtures import TODAY


def config(**playbooks) -> PlaybookConfig:  # type: ignore[no-untyped-def]
    return PlaybookConfig.model_validate({"playbooks": playbooks})


STEP = {"title": "Call", "offset_days": 2}


def test_a_bad_playbooks_file_says_where_and_what(tmp_path) -> None:
    path = tmp_path / "playbooks.json"
    path.write_text(
        json.dumps(
            {"playbooks": {"save": {"name": "Save", "steps": [], "triggers": [{"on": "alert", "rules": ["nope"]}]}}}
        )
    )
    with pytest.raises(PlaybookConfigError) as error:
        load_playbooks(path)
    assert "playbooks.save.steps" in str(error.value)
    assert "unknown alert rule nope" in str(error.value)
    path.write_text("{")
    with pytest.raises(PlaybookConfigError, match="is not valid JSON"):
        load_playbooks(path)


def test_the_shipped_playbooks_load() -> None:
    shipped = load_playbooks()
    assert {"save_renewal", "onboarding", "renewal_prep", "detractor_follow_up"} <= set(shipped.playbooks)


def test_triggers_start_one_run_each_with_tasks_for_the_owner_or_their_manager(sample) -> None:
    manager = sample.user(role=m.Role.MANAGER)
    owner = sample.user(manager_id=manager.id)
    new_customer = sample.account(owner_id=owner.id, lifecycle_stage=m.LifecycleStage.ONBOARDING)
    renewing = sample.account(owner_id=owner.id)
    renewal = sample.opportunity(
        renewing, kind=m.OpportunityKind.RENEWAL, expected_close_date=TODAY + timedelta(days=30)
    )
    sample.opportunity(renewing, kind=m.OpportunityKind.RENEWAL, expected_close_date=TODAY + timedelta(days=200))
    unhappy = sample.account(owner_id=owner.id)
    detractor = sample.nps(unhappy, 3)
    sample.nps(unhappy, 3, responded_at=datetime.now(UTC) - timedelta(days=60))  # too old
    sample.nps(unhappy, 9)  # a promoter
    churned = sample.account(owner_id=owner.id, lifecycle_stage=m.LifecycleStage.CHURNED)
    sample.nps(churned, 0)
    sample.session.commit()
    playbooks = config(
        onboarding={
            "name": "Onboard",
            "triggers": [{"on": "lifecycle", "stage": "onboarding"}],
            "steps": [STEP, {"title": "Review with manager", "offset_days": 5, "owner": "owner_manager"}],
        },
        renewal={"name": "Renew", "triggers": [{"on": "renewal_window", "days_before": 90}], "steps": [STEP]},
        detractor={"name": "Detractor", "triggers": [{"on": "nps_detractor", "within_days": 30}], "steps": [STEP]},
    )

    started = run_playbooks(sample.session, playbooks, TODAY).started
    sample.session.commit()

    assert sorted((run.playbook, run.account_id, run.trigger) for run in started) == sorted(
        [
            ("onboarding", new_customer.id, "lifecycle:onboarding"),
            ("renewal", renewing.id, f"renewal:{renewal.id}"),
            ("detractor", unhappy.id, f"nps:{detractor.id}"),
        ]
    )
    tasks = sample.session.scalars(select(m.Task).order_by(m.Task.id)).all()
    owners_due = {(t.title, t.owner_id, t.due_on, t.opportunity_id, t.nps_response_id) for t in tasks}
    assert owners_due == {
        ("Call", owner.id, TODAY + timedelta(days=2), None, None),
        ("Review with manager", manager.id, TODAY + timedelta(days=5), None, None),
        ("Call", owner.id, TODAY + timedelta(days=2), renewal.id, None),
        ("Call", owner.id, TODAY + timedelta(days=2), None, detractor.id),
    }
    assert run_playbooks(sample.session, playbooks, TODAY).started == []
    assert len(sample.session.scalars(select(m.Task)).all()) == 4


def test_the_database_refuses_a_second_run_for_the_same_trigger(sample) -> None:
    account = sample.account()
    sample.playbook_run(account, trigger="alert:1")
    sample.session.commit()
    with pytest.raises(IntegrityError):
        sample.playbook_run(account, trigger="alert:1")
    sample.session.rollback()


async def test_start_by_hand_then_resolving_its_alert_closes_open_tasks(graphql, sample) -> None:
    owner = sample.user()
    account = sample.account(owner_id=owner.id)
    alert = sample.alert(account, rule="renewal_while_red")
    sample.session.commit()
    started = run_playbooks(sample.session, load_playbooks(), TODAY).started
    sample.session.commit()
    assert [run.playbook for run in started] == ["save_renewal"]

    by_hand = {"accountId": gid(account), "playbook": "onboarding"}
    payload = await mutate(
        graphql, "startPlaybook", by_hand, "playbookRun { trigger startedBy { id } } tasks { title dueOn }"
    )
    assert payload["playbookRun"]["trigger"] == f"manual:{TODAY.isoformat()}"
    assert len(payload["tasks"]) == len(load_playbooks().playbooks["onboarding"].steps)
    again = await mutate(graphql, "startPlaybook", by_hand, "playbookRun { id }")
    assert codes(again) == [("playbook", "DUPLICATE_RUN")]
    unknown = await mutate(graphql, "startPlaybook", {**by_hand, "playbook": "nope"}, "playbookRun { id }")
    assert codes(unknown) == [("playbook", "UNKNOWN_PLAYBOOK")]

    resolved = await mutate(graphql, "resolveAlert", {"id": gid(alert), "note": "renewed"}, "alert { status }")
    assert resolved["alert"] == {"status": "RESOLVED"}
    sample.session.expire_all()
    save_tasks = sample.session.scalars(select(m.Task).where(m.Task.alert_id == alert.id)).all()
    assert {(t.status, t.outcome) for t in save_tasks} == {(m.TaskStatus.CANCELLED, ALERT_RESOLVED_OUTCOME)}
    manual = sample.session.scalars(select(m.Task).where(m.Task.alert_id.is_(None))).all()
    assert manual and {t.status for t in manual} == {m.TaskStatus.OPEN}
    audited = sample.session.scalars(
        select(m.AuditRecord.entity_type).where(m.AuditRecord.operation == "resolveAlert")
    ).all()
    assert sorted(audited) == ["Alert"] + ["Task"] * len(save_tasks)


async def test_playbooks_query_and_account_runs(graphql, sample) -> None:
    account = sample.account()
    sample.playbook_run(account, playbook="save_renewal", trigger="alert:9")
    sample.session.commit()
    data = await graphql.data(
        "query($id: ID!) { playbooks { key steps { owner offsetDays } triggers } "
        "node(id: $id) { ... on Account { playbookRuns { nodes { playbook trigger } } } } }",
        {"id": gid(account)},
    )
    save = next(p for p in data["playbooks"] if p["key"] == "save_renewal")
    assert save["triggers"] == ["alert:renewal_while_red"]
    assert save["steps"][1] == {"owner": "OWNER_MANAGER", "offsetDays": 2}
    assert data["node"]["playbookRuns"]["nodes"] == [{"playbook": "save_renewal", "trigger": "alert:9"}]
