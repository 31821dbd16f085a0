"""``acknowledgeAlert`` and ``resolveAlert``: an owner works through the alerts of their book."""

from __future__ import annotations

import strawberry
from strawberry import UNSET, relay

from acctgraph.domain.alerts import lifecycle as domain
from acctgraph.graphql.context import Info
from acctgraph.graphql.mutations.base import run_for_node
from acctgraph.graphql.mutations.inputs import UserError
from acctgraph.graphql.types.alerts import Alert


@strawberry.input(description="The open alert to acknowledge.")
class AcknowledgeAlertInput:
    id: relay.GlobalID


@strawberry.input(description="The alert to resolve, and why.")
class ResolveAlertInput:
    id: relay.GlobalID
    note: str | None = strawberry.field(default=UNSET, description="Why it is resolved (kept with the alert).")


@strawberry.type
class AlertPayload:
    alert: Alert | None
    user_errors: list[UserError]


@strawberry.type
class AlertMutations:
    @strawberry.mutation(description="Mark an open alert as seen; it stays unresolved, so it is not raised again.")
    async def acknowledge_alert(self, info: Info, input: AcknowledgeAlertInput) -> AlertPayload:
        return await run_for_node(info, AlertPayload, Alert, domain.AcknowledgeAlert, input, domain.acknowledge_alert)

    @strawberry.mutation(
        description="Resolve an alert (you are recorded as resolving it); if its condition still "
        "holds at the next evaluation, a new alert is raised."
    )
    async def resolve_alert(self, info: Info, input: ResolveAlertInput) -> AlertPayload:
        return await run_for_node(info, AlertPayload, Alert, domain.ResolveAlert, input, domain.resolve_alert)
