"""Scorecards: which measures count, how much, how raw values become 0-100, and the band cut-offs.

A health configuration (JSON, see ``default_health.json``) holds a ``default`` scorecard, optional
per-segment scorecards (an SMB account is not judged like a strategic one) and the alert rules'
settings. A raw value becomes a score by linear interpolation between threshold points, clamped at
the first and last point, so a threshold list can express "higher is better" or the reverse.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from itertools import pairwise
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from acctgraph.domain.alerts.settings import AlertSettings
from acctgraph.domain.health.measures import HealthMeasure, MeasureParams
from acctgraph.models import HealthBand, Segment

DEFAULT_CONFIG_FILE = Path(__file__).with_name("default_health.json")


class ScorecardError(ValueError):
    """The health configuration is invalid; ``problems`` pairs each problem's path with what is wrong."""

    def __init__(self, problems: list[tuple[str, str]], source: Path | None = None) -> None:
        self.problems = problems
        described = "; ".join(f"{path}: {message}" if path else message for path, message in problems)
        super().__init__(f"{source}: {described}" if source else described)


class ThresholdPoint(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    raw: float
    score: float = Field(ge=0, le=100)


class BandCutoffs(BaseModel):
    """A score at or above ``green`` is green, at or above ``yellow`` yellow, red below."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    green: int = Field(default=70, ge=1, le=100)
    yellow: int = Field(default=40, ge=1, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> BandCutoffs:
        if self.yellow >= self.green:
            raise ValueError(f"the yellow cut-off ({self.yellow}) must be below the green one ({self.green})")
        return self

    def band(self, score: int) -> HealthBand:
        if score >= self.green:
            return HealthBand.GREEN
        return HealthBand.YELLOW if score >= self.yellow else HealthBand.RED


class MeasureConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str
    weight: float = Field(gt=0)
    points: list[ThresholdPoint] = Field(min_length=1)
    params: dict[str, Any] = {}
    _curve: tuple[tuple[float, float], ...] = PrivateAttr()

    @field_validator("points")
    @classmethod
    def _increasing(cls, points: list[ThresholdPoint]) -> list[ThresholdPoint]:
        raws = [point.raw for point in points]
        if any(later <= earlier for earlier, later in pairwise(raws)):
            raise ValueError(f"threshold points must have strictly increasing raw values, got {raws}")
        return points

    def model_post_init(self, _context: Any) -> None:
        self._curve = tuple((point.raw, point.score) for point in self.points)

    def score(self, raw: float) -> int:
        """The 0-100 score of a raw value: linear between points, flat beyond the ends."""
        curve = self._curve
        if raw <= curve[0][0]:
            return round(curve[0][1])
        for (low_raw, low_score), (high_raw, high_score) in pairwise(curve):
            if raw <= high_raw:
                return round(low_score + (raw - low_raw) / (high_raw - low_raw) * (high_score - low_score))
        return round(curve[-1][1])


class Scorecard(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    measures: list[MeasureConfig] = Field(min_length=1)
    bands: BandCutoffs = BandCutoffs()

    @field_validator("measures")
    @classmethod
    def _unique_keys(cls, measures: list[MeasureConfig]) -> list[MeasureConfig]:
        keys = [measure.key for measure in measures]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise ValueError(f"measure listed twice: {', '.join(duplicates)}")
        return measures


class HealthConfig(BaseModel):
    """The whole health configuration file."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    scorecards: dict[str, Scorecard]
    alerts: AlertSettings = AlertSettings()

    @field_validator("scorecards")
    @classmethod
    def _default_and_segments(cls, scorecards: dict[str, Scorecard]) -> dict[str, Scorecard]:
        if "default" not in scorecards:
            raise ValueError('a "default" scorecard is required (it applies to segments without their own)')
        segments = {segment.value for segment in Segment}
        unknown = sorted(set(scorecards) - segments - {"default"})
        if unknown:
            raise ValueError(
                f"unknown segment {', '.join(unknown)}; use default or one of {', '.join(sorted(segments))}"
            )
        return scorecards

    def scorecard_name(self, segment: str) -> str:
        return segment if segment in self.scorecards else "default"

    def measure_keys(self) -> list[str]:
        """Every measure some scorecard uses, in first-use order."""
        keys: dict[str, None] = {}
        for scorecard in self.scorecards.values():
            keys.update((measure.key, None) for measure in scorecard.measures)
        return list(keys)


def parse_health_config(data: Any, catalogue: Mapping[str, HealthMeasure]) -> HealthConfig:
    """Validate a configuration (parsed JSON) against the schema and the measure catalogue."""
    try:
        config = HealthConfig.model_validate(data)
    except ValidationError as error:
        raise ScorecardError(_describe(error)) from None
    problems = list(_catalogue_problems(config, catalogue))
    if problems:
        raise ScorecardError(problems)
    return config


def load_health_config(path: Path | None, catalogue: Mapping[str, HealthMeasure]) -> HealthConfig:
    """The configuration in ``path`` (ACCTGRAPH_SCORECARD_FILE), or the shipped default."""
    source = path or DEFAULT_CONFIG_FILE
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except OSError as error:
        raise ScorecardError([("", f"cannot read the scorecard file {source}: {error.strerror}")]) from None
    except json.JSONDecodeError as error:
        raise ScorecardError([("", f"{source} is not valid JSON: {error.msg} at line {error.lineno}")]) from None
    try:
        return parse_health_config(data, catalogue)
    except ScorecardError as error:
        raise ScorecardError(error.problems, source) from None


def measure_params(measure: HealthMeasure, config: MeasureConfig) -> MeasureParams:
    return measure.params_model.model_validate(config.params)


def _catalogue_problems(config: HealthConfig, catalogue: Mapping[str, HealthMeasure]) -> Any:
    for name, scorecard in config.scorecards.items():
        for index, measure_config in enumerate(scorecard.measures):
            where = f"scorecards.{name}.measures.{index}"
            measure = catalogue.get(measure_config.key)
            if measure is None:
                yield f"{where}.key", f"unknown measure {measure_config.key!r}; known: {', '.join(sorted(catalogue))}"
                continue
            try:
                measure_params(measure, measure_config)
            except ValidationError as error:
                yield from _describe(error, prefix=f"{where}.params")


def _describe(error: ValidationError, prefix: str = "") -> list[tuple[str, str]]:
    return [
        (".".join(str(part) for part in (prefix, *detail["loc"]) if part != ""), detail["msg"])
        for detail in error.errors()
    ]
