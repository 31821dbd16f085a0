"""The alert rules' thresholds, set in the ``alerts`` section of the health configuration file."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class AlertSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    score_drop_points: int = Field(default=15, gt=0, description="Raise when the score fell this much in the window.")
    score_drop_window_days: int = Field(default=30, gt=0)
    renewal_window_days: int = Field(default=90, gt=0, description="Raise when a red account renews within this.")
    invoice_overdue_days: int = Field(default=30, ge=0)
    detractor_max_score: int = Field(default=6, ge=0, le=10)
    detractor_lookback_days: int = Field(default=30, gt=0)
