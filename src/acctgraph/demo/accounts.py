"""The accounts of the book: names, domains, parent/child hierarchies, regions, owners, and the fate
each account is headed for (the contracts decide whether it can get there)."""

from __future__ import annotations

import enum
import itertools
import random
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from acctgraph.demo.catalog import ADD_ONS, LIST_PRICES, SEAT_SKU, price_in
from acctgraph.demo.plan import PlannedRow, Ref, Window, stream
from acctgraph.demo.segments import SEGMENTS, SegmentTraits, allocate_segments
from acctgraph.demo.vocabulary import (
    COMPANY_FIRST,
    COMPANY_SECOND,
    INDUSTRIES,
    PARTNER_SUFFIX,
    REGIONS,
    SUBSIDIARY_SUFFIX,
)
from acctgraph.models import BillingPeriod, LifecycleStage, Segment

REGION_WEIGHTS = {"North America": 50, "EMEA": 22, "UK & Ireland": 10, "APAC": 12, "LATAM": 6}
NAME_VARIANTS = ("", " Group", " International", " Co")
MAX_ACCOUNTS = 5_000
"""A demo, not a benchmark: the plan of everything but daily usage is held in memory."""


class Fate(enum.StrEnum):
    """Where an account's story goes over the two years."""

    STEADY = "steady"
    EXPAND = "expand"
    CONTRACT = "contract"
    CHURN = "churn"
    AT_RISK = "at_risk"
    """Declining now, renewal still ahead: what the health engine should flag today."""


@dataclass(frozen=True)
class AccountProfile:
    key: str
    name: str
    segment: Segment
    industry: str
    region: str
    currency: str
    owner: str
    parent: str | None
    domains: tuple[str, ...]
    """The primary domain first."""
    seats: int
    prices: dict[str, int]
    """The monthly price per product (per seat for the seat product), in ``currency``."""
    term_months: int
    billing_period: BillingPeriod
    customer_since: date
    fate: Fate


def plan_profiles(accounts: int, seed: int, window: Window, owners: dict[Segment, list[str]]) -> list[AccountProfile]:
    segments = allocate_segments(accounts)
    names = _company_names(seed, accounts)
    profiles = [
        _profile(n, segment, names[n - 1], seed, window, owners[segment]) for n, segment in enumerate(segments, start=1)
    ]
    return _with_subsidiaries(profiles, seed)


def _company_names(seed: int, count: int) -> list[str]:
    combos = list(itertools.product(COMPANY_FIRST, COMPANY_SECOND))
    stream(seed, "names").shuffle(combos)
    return [f"{first} {second}{variant}" for variant in NAME_VARIANTS for first, second in combos][:count]


def _profile(n: int, segment: Segment, name: str, seed: int, window: Window, owners: list[str]) -> AccountProfile:
    rng = stream(seed, "account", n)
    traits = SEGMENTS[segment]
    region = rng.choices(list(REGION_WEIGHTS), weights=list(REGION_WEIGHTS.values()))[0]
    home_currency, tlds = REGIONS[region]
    currency = home_currency if rng.random() < 0.8 else "USD"
    if segment is Segment.PARTNER:
        name = f"{name} {rng.choice(PARTNER_SUFFIX)}"
    slug = re.sub(r"[^a-z0-9]+", "", name.lower())
    domains = (f"{slug}{tlds[0]}",) + ((f"{slug}{tlds[1]}",) if rng.random() < 0.3 else ())
    prices = _price_list(traits, currency, rng)
    term_months = rng.choice(traits.term_months)
    return AccountProfile(
        key=f"acct-{n:05d}",
        name=name,
        segment=segment,
        industry=rng.choice(INDUSTRIES),
        region=region,
        currency=currency,
        owner=owners[n % len(owners)],
        parent=None,
        domains=domains,
        seats=rng.randint(*traits.seats),
        prices=prices,
        term_months=term_months,
        billing_period=rng.choice(traits.billing),
        customer_since=_customer_since(window, term_months, rng),
        fate=_intended_fate(rng.random(), traits.churn_rate),
    )


def _price_list(traits: SegmentTraits, currency: str, rng: random.Random) -> dict[str, int]:
    """The seat at the segment's discount, and the account's add-ons at prices scaled to the segment."""
    prices = {SEAT_SKU: price_in(currency, LIST_PRICES[SEAT_SKU] * (1 - rng.uniform(*traits.seat_discount)))}
    for sku in rng.sample(ADD_ONS, rng.randint(*traits.add_ons)):
        prices[sku] = price_in(currency, LIST_PRICES[sku] * traits.add_on_scale * rng.uniform(0.8, 1.1))
    return prices


def _customer_since(window: Window, term_months: int, rng: random.Random) -> date:
    """One in five accounts is a new logo won during the window; the others' first term runs at its start."""
    if rng.random() < 0.2:
        return window.start + timedelta(days=rng.randint(30, window.days - 10))
    return window.start - timedelta(days=rng.randint(1, term_months * 30))


def _intended_fate(draw: float, churn_rate: float) -> Fate:
    for fate, share in ((Fate.CHURN, churn_rate), (Fate.EXPAND, 0.22), (Fate.CONTRACT, 0.05), (Fate.AT_RISK, 0.08)):
        if draw < share:
            return fate
        draw -= share
    return Fate.STEADY


def _with_subsidiaries(profiles: list[AccountProfile], seed: int) -> list[AccountProfile]:
    """Make some mid-market and enterprise accounts subsidiaries of enterprise and strategic ones: named
    and domained after their parent, in another region, owned by the parent's account manager."""
    rng = stream(seed, "hierarchy")
    parents = [p for p in profiles if p.segment in (Segment.ENTERPRISE, Segment.STRATEGIC)]
    candidates = [p for p in profiles if p.segment in (Segment.MID_MARKET, Segment.ENTERPRISE)]
    parents = rng.sample(parents, len(parents) // 4)
    children = iter(rng.sample([c for c in candidates if c not in parents], len(candidates) // 8))
    adopted: dict[str, AccountProfile] = {}
    for parent in parents:
        regions = [region for region in REGIONS if region != parent.region]
        for region in rng.sample(regions, rng.randint(1, 2)):
            child = next(children, None)
            if child is None:
                break
            base = parent.domains[0].split(".")[0]
            adopted[child.key] = replace(
                child,
                name=f"{parent.name} {SUBSIDIARY_SUFFIX[region]}",
                region=region,
                domains=(f"{base}{REGIONS[region][1][-1]}",),
                owner=parent.owner,
                parent=parent.key,
                industry=parent.industry,
            )
    return [adopted.get(profile.key, profile) for profile in profiles]


def account_row(profile: AccountProfile, lifecycle_stage: LifecycleStage) -> PlannedRow:
    return PlannedRow(
        profile.key,
        {
            "name": profile.name,
            "parent_id": Ref("accounts", profile.parent) if profile.parent else None,
            "segment": profile.segment,
            "industry": profile.industry,
            "region": profile.region,
            "owner_id": Ref("users", profile.owner),
            "lifecycle_stage": lifecycle_stage,
        },
    )


def domain_rows(profile: AccountProfile) -> list[PlannedRow]:
    return [
        PlannedRow(
            f"{profile.key}-domain-{n}",
            {"account_id": Ref("accounts", profile.key), "domain": domain, "is_primary": n == 0},
        )
        for n, domain in enumerate(profile.domains)
    ]
