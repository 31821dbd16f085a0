"""The entry points callers use: the measure catalogue from the plugins, and a full health refresh
(scores, then alerts) that the CLI and the sync engine call after each sync."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pluggy
from sqlalchemy.orm import Session

from acctgraph.domain.alerts.evaluate import AlertNotice, evaluate_alerts
from acctgraph.domain.health.compute import HealthRun, compute_health
from acctgraph.domain.health.measures import HealthMeasure
from acctgraph.domain.health.scorecard import HealthConfig, ScorecardError, load_health_config
from acctgraph.domain.pipeline import record_opportunity_closes
from acctgraph.domain.tasks.playbooks import refresh_playbooks
from acctgraph.settings import Settings


def measure_catalogue(plugin_manager: pluggy.PluginManager) -> dict[str, HealthMeasure]:
    """Every measure the built-ins and plugins provide, by key; two measures with one key is an error."""
    catalogue: dict[str, HealthMeasure] = {}
    for measures in plugin_manager.hook.health_measures():
        for measure in measures:
            if measure.key in catalogue:
                raise ScorecardError([("", f"two plugins provide a health measure with the key {measure.key!r}")])
            catalogue[measure.key] = measure
    return catalogue


def configured_health(
    settings: Settings, plugin_manager: pluggy.PluginManager
) -> tuple[HealthConfig, dict[str, HealthMeasure]]:
    """The configuration from ACCTGRAPH_SCORECARD_FILE (or the shipped default) and its catalogue."""
    catalogue = measure_catalogue(plugin_manager)
    return load_health_config(settings.scorecard_file, catalogue), catalogue


@dataclass(frozen=True)
class HealthRefresh:
    run: HealthRun
    alerts: list[AlertNotice]


def refresh_health(
    session: Session, settings: Settings, plugin_manager: pluggy.PluginManager, day: date | None = None
) -> HealthRefresh:
    """Compute the day's health for the whole book, then evaluate the alert rules on it, then run the
    playbooks (alerts that resolved close their runs' tasks; new alerts start theirs).

    Opportunities a sync closed get their close day and owner at close first (forecast accuracy).
    """
    day = day or datetime.now(UTC).date()
    record_opportunity_closes(session, day)
    config, catalogue = configured_health(settings, plugin_manager)
    run = compute_health(session, config, catalogue, day)
    alerts = evaluate_alerts(session, config.alerts, day, plugin_manager)
    refresh_playbooks(session, settings.playbooks_file, day)
    return HealthRefresh(run, alerts)
