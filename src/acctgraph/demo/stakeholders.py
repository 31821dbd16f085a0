"""Contacts and their relationship map: an economic buyer at the top, decision makers under them, a
champion, influencers and end users, sometimes a detractor. Churning accounts lose their champion and
turn negative; thriving ones are positive."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

from acctgraph.demo.accounts import Fate
from acctgraph.demo.plan import PlannedRow, Ref, stream
from acctgraph.demo.segments import SEGMENTS
from acctgraph.demo.story import Story
from acctgraph.demo.vocabulary import FIRST_NAMES, LAST_NAMES, TITLES
from acctgraph.models import BuyingRole, Influence, Sentiment

INFLUENCE = {
    BuyingRole.ECONOMIC_BUYER: Influence.HIGH,
    BuyingRole.DECISION_MAKER: Influence.HIGH,
    BuyingRole.CHAMPION: Influence.MEDIUM,
    BuyingRole.INFLUENCER: Influence.MEDIUM,
    BuyingRole.END_USER: Influence.LOW,
    BuyingRole.DETRACTOR: Influence.MEDIUM,
}


@dataclass(frozen=True)
class Stakeholder:
    key: str
    role: BuyingRole
    active: bool


def plan_stakeholders(story: Story, seed: int) -> tuple[list[Stakeholder], list[PlannedRow]]:
    rng = stream(seed, "contacts", story.key)
    roles = _roles(rng.randint(*SEGMENTS[story.profile.segment].contacts), story.fate, rng)
    people = rng.sample(list(itertools.product(FIRST_NAMES, LAST_NAMES)), len(roles))
    mood = story.health(story.last_day)
    stakeholders, rows = [], []
    for n, (role, (first, last)) in enumerate(zip(roles, people, strict=True)):
        key = f"{story.key}-contact-{n + 1}"
        active = _stays(role, story.fate, rng)
        stakeholders.append(Stakeholder(key, role, active))
        rows.append(
            PlannedRow(
                key,
                {
                    "account_id": Ref("accounts", story.key),
                    "name": f"{first} {last}",
                    "email": f"{first}.{last}@{story.profile.domains[0]}".lower(),
                    "title": rng.choice(TITLES[role.value]),
                    "buying_role": role,
                    "influence": INFLUENCE[role],
                    "sentiment": _sentiment(role, mood + rng.gauss(0, 0.5)),
                    "reports_to_id": _manager(role, stakeholders, rng),
                    "active": active,
                },
            )
        )
    return stakeholders, rows


def _roles(count: int, fate: Fate, rng: random.Random) -> list[BuyingRole]:
    roles = [BuyingRole.ECONOMIC_BUYER] + [BuyingRole.DECISION_MAKER] * (1 if count < 6 else 2) + [BuyingRole.CHAMPION]
    if count >= 5 and rng.random() < (0.6 if fate in (Fate.CHURN, Fate.AT_RISK) else 0.2):
        roles.append(BuyingRole.DETRACTOR)
    while len(roles) < count:
        roles.append(rng.choice((BuyingRole.INFLUENCER, BuyingRole.END_USER, BuyingRole.END_USER)))
    return roles


def _stays(role: BuyingRole, fate: Fate, rng: random.Random) -> bool:
    """Whether the contact is still at the company; champions of failing accounts often have left."""
    if role is BuyingRole.CHAMPION and fate in (Fate.CHURN, Fate.AT_RISK):
        return rng.random() >= 0.55
    return rng.random() >= 0.04


def _sentiment(role: BuyingRole, mood: float) -> Sentiment:
    if role is BuyingRole.DETRACTOR:
        mood -= 1.0
    elif role is BuyingRole.CHAMPION:
        mood += 0.5
    return Sentiment.POSITIVE if mood > 0.3 else Sentiment.NEGATIVE if mood < -0.5 else Sentiment.NEUTRAL


def _manager(role: BuyingRole, above: list[Stakeholder], rng: random.Random) -> Ref | None:
    """Whom the contact reports to: the relationship map's tree, built top-down."""
    bosses = {
        BuyingRole.ECONOMIC_BUYER: (),
        BuyingRole.DECISION_MAKER: (BuyingRole.ECONOMIC_BUYER,),
        BuyingRole.CHAMPION: (BuyingRole.DECISION_MAKER,),
        BuyingRole.DETRACTOR: (BuyingRole.DECISION_MAKER,),
        BuyingRole.INFLUENCER: (BuyingRole.DECISION_MAKER,),
        BuyingRole.END_USER: (BuyingRole.CHAMPION, BuyingRole.INFLUENCER),
    }[role]
    candidates = [person.key for person in above[:-1] if person.role in bosses]
    return Ref("contacts", rng.choice(candidates)) if candidates else None
