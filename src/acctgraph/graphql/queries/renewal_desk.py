"""``renewalDesk`` (renewals with their risk and the likelihood-weighted forecast) and ``churnReasons`` (the
taxonomy a lost renewal must pick from)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy.orm import Session

from acctgraph.domain.renewal_risk import renewal_desk
from acctgraph.domain.revenue.scope import check_scope
from acctgraph.graphql.context import Info
from acctgraph.graphql.errors import InvalidArgument
from acctgraph.graphql.queries.revenue import RevenueScope, _compute, _scope
from acctgraph.graphql.types.renewal_desk import RenewalDesk, RenewalDeskFilter


@strawberry.type
class RenewalDeskQueries:
    @strawberry.field(
        description="The churn and downsell reason keys (ACCTGRAPH_CHURN_REASONS) closeOpportunity accepts."
    )
    def churn_reasons(self, info: Info) -> list[str]:
        return list(info.context.settings.churn_reason_keys)

    @strawberry.field(
        description="Renewal opportunities soonest term end first, with health, alerts, likelihood to renew, "
        "timing and notice dates; totals weighted by stage probability and by likelihood (docs/metrics.md)."
    )
    async def renewal_desk(
        self,
        info: Info,
        scope: Annotated[RevenueScope | None, strawberry.argument(description="Whose renewals; none for all.")] = None,
        filter: Annotated[
            RenewalDeskFilter | None, strawberry.argument(description="Which renewals; default: the open ones.")
        ] = None,
        first: Annotated[
            int, strawberry.argument(description="How many entries to return (at most the page size limit).")
        ] = 20,
    ) -> RenewalDesk:
        settings = info.context.settings
        if not 0 <= first <= settings.max_page_size:
            raise InvalidArgument(f"first must be between 0 and {settings.max_page_size}")
        accounts, wanted = _scope(scope), (filter or RenewalDeskFilter()).to_domain()
        today, currency = info.context.today, settings.reporting_currency

        def read(session: Session) -> RenewalDesk:
            check_scope(session, accounts)
            return RenewalDesk.of(renewal_desk(session, accounts, wanted, today, currency, first))

        return await _compute(info, read)
