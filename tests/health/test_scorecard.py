"""Scorecard configuration: shipped default, validation errors that name the problem, thresholds and bands."""

from __future__ import annotations

import json

import pytest

from acctgraph.domain.health.scorecard import (
    DEFAULT_CONFIG_FILE,
    MeasureConfig,
    ScorecardError,
    load_health_config,
    parse_health_config,
)
from acctgraph.models import HealthBand


def card(**measure: object) -> dict[str, object]:
    return {"measures": [{"key": "billing", "weight": 1, "points": [{"raw": 0, "score": 100}], **measure}]}


def test_the_shipped_default_uses_every_builtin_measure_and_has_segment_scorecards(catalogue):
    config = load_health_config(DEFAULT_CONFIG_FILE, catalogue)
    assert {measure.key for measure in config.scorecards["default"].measures} == set(catalogue)
    assert {"smb", "strategic"} <= set(config.scorecards)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"scorecards": {"smb": card()}}, 'a "default" scorecard is required'),
        ({"scorecards": {"default": card(), "vip": card()}}, "unknown segment vip"),
        (
            {"scorecards": {"default": card(weight=0)}},
            "scorecards.default.measures.0.weight: Input should be greater than 0",
        ),
        ({"scorecards": {"default": card(key="nope")}}, "scorecards.default.measures.0.key: unknown measure 'nope'"),
        (
            {"scorecards": {"default": card(points=[{"raw": 5, "score": 1}, {"raw": 5, "score": 2}])}},
            "strictly increasing raw values",
        ),
        (
            {"scorecards": {"default": card(points=[{"raw": 0, "score": 101}])}},
            "score: Input should be less than or equal to 100",
        ),
        (
            {"scorecards": {"default": card(params={"grace": 3})}},
            "scorecards.default.measures.0.params.grace: Extra inputs",
        ),
        (
            {"scorecards": {"default": {**card(), "bands": {"green": 40, "yellow": 60}}}},
            "yellow cut-off (60) must be below",
        ),
        ({"scorecards": {"default": {"measures": card()["measures"] * 2}}}, "measure listed twice: billing"),
    ],
)
def test_invalid_configurations_are_rejected_with_the_path_and_the_fix(catalogue, data, message):
    with pytest.raises(ScorecardError) as error:
        parse_health_config(data, catalogue)
    assert message in str(error.value)


def test_a_file_that_is_not_json_names_the_file_and_line(tmp_path, catalogue):
    path = tmp_path / "scorecard.json"
    path.write_text('{"scorecards":\n  oops}')
    with pytest.raises(ScorecardError, match=r"scorecard.json is not valid JSON: .* at line 2"):
        load_health_config(path, catalogue)


def test_a_custom_file_replaces_the_default(tmp_path, catalogue):
    path = tmp_path / "scorecard.json"
    path.write_text(
        json.dumps({"scorecards": {"default": card(params={"grace_days": 10})}, "alerts": {"score_drop_points": 5}})
    )
    config = load_health_config(path, catalogue)
    assert [m.key for m in config.scorecards["default"].measures] == ["billing"]
    assert config.alerts.score_drop_points == 5


def test_threshold_points_interpolate_linearly_and_clamp_at_the_ends():
    measure = MeasureConfig(
        key="x", weight=1, points=[{"raw": 0, "score": 100}, {"raw": 10, "score": 50}, {"raw": 20, "score": 0}]
    )
    # below the first point: 100; 4 -> 100 - 4/10 * 50 = 80; 15 -> 50 - 5/10 * 50 = 25; beyond the last: 0
    assert [measure.score(raw) for raw in (-5, 4, 15, 99)] == [100, 80, 25, 0]


def test_band_cutoffs_are_inclusive_lower_bounds(scorecard):
    bands = scorecard({"billing": 1}, bands={"green": 80, "yellow": 50}).scorecards["default"].bands
    assert [bands.band(score) for score in (80, 79, 50, 49)] == [
        HealthBand.GREEN,
        HealthBand.YELLOW,
        HealthBand.YELLOW,
        HealthBand.RED,
    ]
