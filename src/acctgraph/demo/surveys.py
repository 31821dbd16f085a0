"""NPS responses: a relationship survey twice a year, answered by a few contacts; scores follow health."""

from __future__ import annotations

from datetime import timedelta

from acctgraph.demo.plan import PlannedRow, Ref, at, clamp, stream
from acctgraph.demo.stakeholders import Stakeholder
from acctgraph.demo.story import Story
from acctgraph.demo.vocabulary import NPS_COMMENTS
from acctgraph.models import BuyingRole

SURVEY_EVERY_DAYS = 182
ROLE_BIAS = {BuyingRole.CHAMPION: 1.0, BuyingRole.DETRACTOR: -2.5}


def nps_rows(story: Story, people: list[Stakeholder], seed: int) -> list[PlannedRow]:
    rng = stream(seed, "nps", story.key)
    first, last = story.observed()
    wave = story.window.start + timedelta(days=rng.randint(0, SURVEY_EVERY_DAYS - 1))
    rows: list[PlannedRow] = []
    while wave <= last:
        respondents = rng.sample(people, rng.randint(0, min(3, len(people)))) if wave >= first else []
        for person in respondents:
            answered = wave + timedelta(days=rng.randint(0, 10))
            if answered > last:
                continue
            mean = 7.4 + 2.0 * story.health(answered) + ROLE_BIAS.get(person.role, 0.0)
            score = round(clamp(rng.gauss(mean, 1.5), 0, 10))
            category = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
            rows.append(
                PlannedRow(
                    f"{story.key}-nps-{len(rows) + 1}",
                    {
                        "account_id": Ref("accounts", story.key),
                        "contact_id": Ref("contacts", person.key),
                        "score": score,
                        "comment": rng.choice(NPS_COMMENTS[category]) if rng.random() < 0.5 else None,
                        "responded_at": at(answered, rng),
                    },
                )
            )
        wave += timedelta(days=SURVEY_EVERY_DAYS)
    return rows
