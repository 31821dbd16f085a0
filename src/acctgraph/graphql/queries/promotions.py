"""``promotions(filter)``: the promotions, newest first, by month, day, brand or name."""

from __future__ import annotations

import re
from datetime import date

import strawberry
from sqlalchemy import ColumnElement, exists, or_, select

from acctgraph import models
from acctgraph.domain.promotions import promotion_key
from acctgraph.graphql.connections import Connection, RootList, paginated
from acctgraph.graphql.errors import InvalidArgument
from acctgraph.graphql.ids import decode_id
from acctgraph.graphql.types.promotions import NEWEST_PROMOTIONS_FIRST, Promotion

MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


@strawberry.input(description="Narrow the promotions list; every given field must match.")
class PromotionFilter:
    month: str | None = strawberry.field(default=None, description="Starting in this month, e.g. 2026-07.")
    active_on: date | None = strawberry.field(default=None, description="Running on this day.")
    brand_id: strawberry.ID | None = strawberry.field(
        default=None, description="Targeting this brand: the account itself or any account whose parent it is."
    )
    name: str | None = strawberry.field(default=None, description="This promotion (name, ignoring case).")


def _month(text: str) -> date:
    if not MONTH.fullmatch(text.strip()):
        raise InvalidArgument(f"month {text!r}: write it as YYYY-MM, e.g. 2026-07")
    return date.fromisoformat(text.strip() + "-01")


def _conditions(where: PromotionFilter) -> list[ColumnElement[bool]]:
    promotion, target, account = models.Promotion, models.PromotionTarget, models.Account
    conditions: list[ColumnElement[bool]] = []
    if where.month is not None:
        first = _month(where.month)
        conditions.append(exists().where(target.promotion_id == promotion.id, target.month == first))
    if where.active_on is not None:
        conditions.append(promotion.starts_on <= where.active_on)
        conditions.append(promotion.ends_on >= where.active_on)
    if where.brand_id is not None:
        brand = decode_id(where.brand_id, "Account")
        conditions.append(
            exists().where(
                target.promotion_id == promotion.id,
                account.id == target.account_id,
                or_(account.id == brand, account.parent_id == brand),
            )
        )
    if where.name is not None:
        key = promotion_key(where.name)
        conditions.append(exists().where(target.promotion_id == promotion.id, target.promotion_key == key))
    return conditions


@strawberry.type
class PromotionQueries:
    @paginated("Promotions, newest start first; each with its targets grouped by brand.", Connection[Promotion])
    def promotions(self, filter: PromotionFilter | None = None) -> RootList:
        statement = select(models.Promotion).where(*_conditions(filter or PromotionFilter()))
        return RootList(statement, NEWEST_PROMOTIONS_FIRST, Promotion.from_row)
