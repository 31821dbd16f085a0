"""The demo team: an admin, a head of account management, a manager per segment with their account
managers, a couple of viewers, and one account manager who has left (inactive, owns nothing)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from acctgraph.demo.plan import PlannedRow, Ref, stream
from acctgraph.demo.vocabulary import FIRST_NAMES, LAST_NAMES
from acctgraph.models import Role, Segment

ADMIN_EMAIL = "admin@demo.acctgraph.dev"
EMAIL_DOMAIN = "demo.acctgraph.dev"
ACCOUNT_MANAGERS_PER_SEGMENT = {
    Segment.SMB: 6,
    Segment.MID_MARKET: 6,
    Segment.ENTERPRISE: 5,
    Segment.STRATEGIC: 3,
    Segment.PARTNER: 2,
}


@dataclass(frozen=True)
class Team:
    rows: list[PlannedRow]
    account_managers: dict[Segment, list[str]]
    """The keys of the active account managers of each segment, whose books the accounts fill."""

    def manager_of(self, key: str) -> str | None:
        """The key of the user's manager, if they have one."""
        row = next(row for row in self.rows if row.key == key)
        manager = row.values["manager_id"]
        return None if manager is None else str(manager.key)


def plan_team(seed: int) -> Team:
    rng = stream(seed, "team")
    people = list(itertools.product(FIRST_NAMES, LAST_NAMES))
    rng.shuffle(people)
    names = iter(people)
    rows: list[PlannedRow] = []

    def person(key: str, role: Role, manager: str | None, active: bool = True, email: str | None = None) -> str:
        first, last = next(names)
        rows.append(
            PlannedRow(
                key,
                {
                    "name": f"{first} {last}",
                    "email": email or f"{first}.{last}@{EMAIL_DOMAIN}".lower(),
                    "role": role,
                    "manager_id": Ref("users", manager) if manager else None,
                    "active": active,
                },
            )
        )
        return key

    person("admin", Role.ADMIN, None, email=ADMIN_EMAIL)
    head = person("head-of-am", Role.MANAGER, None)
    account_managers: dict[Segment, list[str]] = {}
    for segment, count in ACCOUNT_MANAGERS_PER_SEGMENT.items():
        manager = person(f"manager-{segment.value}", Role.MANAGER, head)
        account_managers[segment] = [
            person(f"am-{segment.value}-{n}", Role.ACCOUNT_MANAGER, manager) for n in range(1, count + 1)
        ]
    person("am-smb-departed", Role.ACCOUNT_MANAGER, f"manager-{Segment.SMB.value}", active=False)
    person("viewer-finance", Role.VIEWER, None)
    person("viewer-executive", Role.VIEWER, None)
    return Team(rows, account_managers)
