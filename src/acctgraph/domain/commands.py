"""Shared pieces of the domain's input models (pydantic): validated before anything is written."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=500)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20_000)]


def matching(pattern: str, hint: str, max_length: int = 320) -> AfterValidator:
    """A string, stripped and lower-cased, that must match ``pattern``; ``hint`` says what is expected."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        value = value.strip().lower()
        if len(value) > max_length or not compiled.match(value):
            raise ValueError(hint)
        return value

    return AfterValidator(check)


Currency = Annotated[
    str, matching(r"^[a-z]{3}$", "give a 3-letter ISO 4217 currency code, e.g. USD"), AfterValidator(str.upper)
]
Email = Annotated[str, matching(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", "give an email address like ana@example.com")]
Domain = Annotated[
    str, matching(r"^([a-z0-9-]+\.)+[a-z]{2,}$", "give a bare domain like example.com (no scheme, path or spaces)", 253)
]
Version = Annotated[int, Field(ge=1, description="The version the client read")]


class Command(BaseModel):
    """An input: unknown fields refused; ``model_fields_set`` tells which optional fields the client gave."""

    model_config = ConfigDict(extra="forbid")

    def given(self, *names: str) -> dict[str, object]:
        """The values of the named fields the client actually sent (None included: it clears a field)."""
        return {name: getattr(self, name) for name in names if name in self.model_fields_set}
