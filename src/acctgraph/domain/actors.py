"""Who is acting: the authenticated user, their role and the key they used."""

from __future__ import annotations

from dataclasses import dataclass

from acctgraph.models import Role


@dataclass(frozen=True)
class Actor:
    user_id: int
    role: Role
    api_key_id: int | None = None
    integration: bool = False
