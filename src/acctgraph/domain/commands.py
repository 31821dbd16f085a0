"""Shared pieces of the domain's input models (pydantic): validated before anything is written."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=500)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20_000)]
Currency = Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{3}$")]
Version = Annotated[int, Field(ge=1, description="The version the client read")]


class Command(BaseModel):
    """An input: unknown fields refused; ``model_fields_set`` tells which optional fields the client gave."""

    model_config = ConfigDict(extra="forbid")

    def given(self, *names: str) -> dict[str, object]:
        """The values of the named fields the client actually sent (None included: it clears a field)."""
        return {name: getattr(self, name) for name in names if name in self.model_fields_set}
