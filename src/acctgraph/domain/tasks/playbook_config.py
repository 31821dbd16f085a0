"""Playbook definitions: named templates of tasks and the triggers that start them, from a JSON file.

The shipped ``default_playbooks.json`` applies unless ACCTGRAPH_PLAYBOOKS_FILE names another. A step's
task is due ``offset_days`` after the run starts and goes to the account's owner or to their manager.
"""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from acctgraph.domain.alerts.rules import ALERT_RULES
from acctgraph.domain.commands import Name
from acctgraph.models import LifecycleStage, TaskPriority

DEFAULT_PLAYBOOKS_FILE = Path(__file__).with_name("default_playbooks.json")


class PlaybookConfigError(ValueError):
    """The playbooks file is invalid; the message names the file, the path in it and what is wrong."""


class StepOwner(enum.StrEnum):
    ACCOUNT_OWNER = "account_owner"
    OWNER_MANAGER = "owner_manager"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PlaybookStep(Strict):
    title: Name
    offset_days: int = Field(ge=0, le=365)
    owner: StepOwner = StepOwner.ACCOUNT_OWNER
    priority: TaskPriority = TaskPriority.NORMAL


class AlertTrigger(Strict):
    """An alert of one of ``rules`` is raised (one run per alert)."""

    on: Literal["alert"]
    rules: list[str] = Field(min_length=1)

    @field_validator("rules")
    @classmethod
    def _known(cls, rules: list[str]) -> list[str]:
        known = {rule.key for rule in ALERT_RULES}
        unknown = sorted(set(rules) - known)
        if unknown:
            raise ValueError(f"unknown alert rule {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return rules


class LifecycleTrigger(Strict):
    """The account is in ``stage`` (one run per account and stage)."""

    on: Literal["lifecycle"]
    stage: LifecycleStage


class RenewalWindowTrigger(Strict):
    """An open renewal opportunity closes within ``days_before`` days (one run per opportunity)."""

    on: Literal["renewal_window"]
    days_before: int = Field(ge=1, le=730)


class DetractorTrigger(Strict):
    """An NPS response of 0-6 came in within the last ``within_days`` days (one run per response)."""

    on: Literal["nps_detractor"]
    within_days: int = Field(ge=1, le=365)


Trigger = Annotated[
    AlertTrigger | LifecycleTrigger | RenewalWindowTrigger | DetractorTrigger, Field(discriminator="on")
]


class Playbook(Strict):
    name: Name
    steps: list[PlaybookStep] = Field(min_length=1, max_length=50)
    triggers: list[Trigger] = Field(default_factory=list)
    closes_with_alert: bool = Field(default=True, description="Close the run's open tasks when its alert resolves")


class PlaybookConfig(Strict):
    playbooks: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,79}$")], Playbook]


def load_playbooks(path: Path | None = None) -> PlaybookConfig:
    """The playbooks in ``path`` (ACCTGRAPH_PLAYBOOKS_FILE), or the shipped default."""
    source = path or DEFAULT_PLAYBOOKS_FILE
    try:
        return PlaybookConfig.model_validate(json.loads(source.read_text(encoding="utf-8")))
    except OSError as error:
        raise PlaybookConfigError(f"cannot read the playbooks file {source}: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise PlaybookConfigError(f"{source} is not valid JSON: {error.msg} at line {error.lineno}") from None
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in detail['loc'])}: {detail['msg']}" for detail in error.errors()
        )
        raise PlaybookConfigError(f"{source}: {problems}") from None


def describe_trigger(trigger: Trigger) -> str:
    """A trigger in one token, e.g. ``alert:renewal_while_red`` or ``renewal_window:90``."""
    if isinstance(trigger, AlertTrigger):
        return f"alert:{','.join(trigger.rules)}"
    if isinstance(trigger, LifecycleTrigger):
        return f"lifecycle:{trigger.stage.value}"
    if isinstance(trigger, RenewalWindowTrigger):
        return f"renewal_window:{trigger.days_before}"
    return f"nps_detractor:{trigger.within_days}"
