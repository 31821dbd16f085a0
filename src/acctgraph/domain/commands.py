"""Shared pieces of the domain's input models (pydantic): validated before anything is written."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator

from acctgraph.domain.currencies import is_currency
from acctgraph.domain.money import MAX_AMOUNT_MINOR

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


def _iso_4217(code: str) -> str:
    if not is_currency(code):
        raise ValueError(f"{code.upper()} is not an ISO 4217 currency; give one such as USD, EUR or JPY")
    return code.upper()


Currency = Annotated[
    str,
    matching(r"^[a-z]{3}$", "give a 3-letter ISO 4217 currency code, e.g. USD"),
    AfterValidator(_iso_4217),
]
Email = Annotated[str, matching(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", "give an email address like ana@example.com")]
Domain = Annotated[
    str, matching(r"^([a-z0-9-]+\.)+[a-z]{2,}$", "give a bare domain like example.com (no scheme, path or spaces)", 253)
]
Version = Annotated[int, Field(ge=1, description="The version the client read")]


def _refuse_nul(value: object) -> None:
    """PostgreSQL cannot store NUL in text and SQLite would keep it: refuse it, the same everywhere."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("remove the NUL character (\\u0000) from the text")
    if isinstance(value, list):
        for item in value:
            _refuse_nul(item)


class Command(BaseModel):
    """An input: unknown fields refused; ``model_fields_set`` tells which optional fields the client gave.

    Every command also refuses NUL characters in any text, and amounts (fields named ``*_minor``) beyond
    ``MAX_AMOUNT_MINOR`` either way, so no rule can forget them.
    """

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _bounded(cls, value: object, info: ValidationInfo) -> object:
        _refuse_nul(value)
        is_amount = bool(info.field_name and info.field_name.endswith("_minor"))
        if is_amount and isinstance(value, int) and abs(value) > MAX_AMOUNT_MINOR:
            raise ValueError(f"give an amount of at most {MAX_AMOUNT_MINOR:,} minor units (10^15)")
        return value

    def given(self, *names: str) -> dict[str, object]:
        """The values of the named fields the client actually sent (None included: it clears a field)."""
        return {name: getattr(self, name) for name in names if name in self.model_fields_set}
