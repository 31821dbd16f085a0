"""``acknowledgeAlert`` and ``resolveAlert``: business-rule problems come back as ``userErrors``."""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from sqlalchemy.orm import Session

from acctgraph import models
from acctgraph.domain.alerts.lifecycle import AlertNotFound, AlertTransitionError, acknowledge_alert, resolve_alert
from acctgraph.graphql.context import RequestContext
from acctgraph.graphql.errors import InvalidId
from acctgraph.graphql.ids import decode_id
from acctgraph.graphql.mutations.user_errors import UserError
from acctgraph.graphql.types.alerts import Alert


@strawberry.input(description="Which alert to acknowledge.")
class AcknowledgeAlertInput:
    id: strawberry.ID
    client_mutation_id: str | None = None


@strawberry.input(description="Which alert to resolve, and why.")
class ResolveAlertInput:
    id: strawberry.ID
    note: str | None = strawberry.field(default=None, description="Why it is resolved (kept with the alert).")
    resolved_by_id: strawberry.ID | None = strawberry.field(default=None, description="The user who resolved it.")
    client_mutation_id: str | None = None


@strawberry.type(description="The alert after the change, or userErrors saying why nothing changed.")
class AlertPayload:
    alert: Alert | None
    user_errors: list[UserError]
    client_mutation_id: str | None


async def _change_alert(
    info: strawberry.Info[RequestContext, None],
    raw_id: strawberry.ID,
    client_mutation_id: str | None,
    change: Callable[[Session, int], models.Alert],
) -> AlertPayload:
    def failed(code: str, message: str) -> AlertPayload:
        return AlertPayload(
            alert=None,
            user_errors=[UserError(field=["input", "id"], message=message, code=code)],
            client_mutation_id=client_mutation_id,
        )

    try:
        alert_id = decode_id(raw_id, "Alert")
        row = await info.context.db.run_sync(lambda session: change(session, alert_id))
    except InvalidId as error:
        return failed("INVALID_ID", error.message)
    except AlertNotFound as error:
        return failed("NOT_FOUND", str(error))
    except AlertTransitionError as error:
        return failed("INVALID_STATE", str(error))
    return AlertPayload(alert=Alert.from_row(row), user_errors=[], client_mutation_id=client_mutation_id)


@strawberry.type
class AlertMutations:
    @strawberry.mutation(description="Mark an open alert as seen; it stays unresolved, so it is not raised again.")
    async def acknowledge_alert(
        self, info: strawberry.Info[RequestContext, None], input: AcknowledgeAlertInput
    ) -> AlertPayload:
        return await _change_alert(info, input.id, input.client_mutation_id, acknowledge_alert)

    @strawberry.mutation(description="Resolve an alert; if its condition still holds later, a new alert is raised.")
    async def resolve_alert(
        self, info: strawberry.Info[RequestContext, None], input: ResolveAlertInput
    ) -> AlertPayload:
        try:
            user_id = None if input.resolved_by_id is None else decode_id(input.resolved_by_id, "User")
        except InvalidId as error:
            return AlertPayload(
                alert=None,
                user_errors=[UserError(field=["input", "resolvedById"], message=error.message, code="INVALID_ID")],
                client_mutation_id=input.client_mutation_id,
            )
        return await _change_alert(
            info,
            input.id,
            input.client_mutation_id,
            lambda session, pk: resolve_alert(session, pk, user_id, input.note),
        )
