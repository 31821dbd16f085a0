"""Health test helpers: the real measure catalogue and scorecards built from the shipped thresholds."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session

from acctgraph.domain.alerts.evaluate import AlertNotice
from acctgraph.domain.contract_history import record_contract_status_changes
from acctgraph.domain.health.engine import AccountHealth, score_book
from acctgraph.domain.health.measures import HealthMeasure
from acctgraph.domain.health.scorecard import DEFAULT_CONFIG_FILE, HealthConfig, load_health_config, parse_health_config
from acctgraph.domain.health.service import measure_catalogue
from acctgraph.hookspecs import hookimpl
from acctgraph.integration.plugins import create_plugin_manager
from tests.fixtures import TODAY


@pytest.fixture(scope="session")
def catalogue() -> dict[str, HealthMeasure]:
    return measure_catalogue(create_plugin_manager(load_entry_points=False))


@pytest.fixture(scope="session")
def shipped_config(catalogue: dict[str, HealthMeasure]) -> HealthConfig:
    return load_health_config(DEFAULT_CONFIG_FILE, catalogue)


def shipped_points(config: HealthConfig, key: str) -> list[dict[str, float]]:
    measure = next(m for m in config.scorecards["default"].measures if m.key == key)
    return [point.model_dump() for point in measure.points]


@pytest.fixture
def scorecard(catalogue: dict[str, HealthMeasure], shipped_config: HealthConfig):  # type: ignore[no-untyped-def]
    """Build a config: ``scorecard({"nps_latest": 10}, smb={"weights": {"billing": 1}}, bands=..., params=...)``
    with the shipped thresholds; ``params`` maps a measure key to its parameters."""

    def build(
        weights: dict[str, float],
        bands: dict[str, int] | None = None,
        params: dict[str, dict[str, Any]] | None = None,
        **segments: dict[str, Any],
    ) -> HealthConfig:
        def card(card_weights: dict[str, float], card_bands: dict[str, int] | None) -> dict[str, Any]:
            measures = [
                {
                    "key": k,
                    "weight": w,
                    "points": shipped_points(shipped_config, k),
                    "params": (params or {}).get(k, {}),
                }
                for k, w in card_weights.items()
            ]
            return {"measures": measures, **({"bands": card_bands} if card_bands else {})}

        cards = {"default": card(weights, bands)}
        cards.update({name: card(spec["weights"], spec.get("bands")) for name, spec in segments.items()})
        return parse_health_config({"scorecards": cards}, catalogue)

    return build


def score_all(
    session: Session, config: HealthConfig, catalogue: dict[str, HealthMeasure], as_of: date
) -> dict[int, AccountHealth]:
    record_contract_status_changes(session, TODAY)
    session.commit()
    return {health.account_id: health for health in score_book(session, config, catalogue, as_of)}


class AlertRecorder:
    """A plugin that keeps what the ``alerts_raised`` hook hands it, as a notification plugin would."""

    def __init__(self) -> None:
        self.received: list[AlertNotice] = []
        self.plugin_manager = create_plugin_manager(load_entry_points=False)
        self.plugin_manager.register(self)

    @hookimpl
    def alerts_raised(self, alerts: list[AlertNotice]) -> None:
        self.received.extend(alerts)
