"""``churnReasons``: the churn and downsell reason taxonomy a lost renewal must pick from."""

from __future__ import annotations

import strawberry

from acctgraph.graphql.context import RequestContext


@strawberry.type
class RenewalDeskQueries:
    @strawberry.field(
        description="The churn and downsell reason keys (ACCTGRAPH_CHURN_REASONS) closeOpportunity accepts."
    )
    def churn_reasons(self, info: strawberry.Info[RequestContext, None]) -> list[str]:
        return list(info.context.settings.churn_reason_keys)
