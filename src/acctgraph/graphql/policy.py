"""Who may call what: the one table of root fields by role, enforced for every operation by ``EnforcePolicy``.

Record-level rules (a manager writes only their team's accounts, an account manager only their own) are
checked on what each mutation actually changed, in ``acctgraph.domain.authorization``, called by the
one mutation runner (``graphql.mutations.base.mutate``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLResolveInfo
from strawberry.extensions import SchemaExtension

from acctgraph.domain.actors import Actor
from acctgraph.graphql.errors import Forbidden, Unauthenticated
from acctgraph.models import Role

EVERYONE = frozenset(Role)
WRITERS = frozenset({Role.ADMIN, Role.MANAGER, Role.ACCOUNT_MANAGER})
MANAGERS = frozenset({Role.ADMIN, Role.MANAGER})
ADMINS = frozenset({Role.ADMIN})

MUTATION_ROLES: dict[str, frozenset[Role]] = {
    "createAccount": WRITERS,
    "updateAccount": WRITERS,
    "archiveAccount": WRITERS,
    "setAccountParent": WRITERS,
    "transferAccounts": MANAGERS,
    "createContact": WRITERS,
    "updateContact": WRITERS,
    "deactivateContact": WRITERS,
    "setContactReportsTo": WRITERS,
    "logActivity": WRITERS,
    "scheduleQbr": WRITERS,
    "completeQbr": WRITERS,
    "recordQbr": WRITERS,
    "createPlanItem": WRITERS,
    "updatePlanItem": WRITERS,
    "createOpportunity": WRITERS,
    "moveOpportunityStage": WRITERS,
    "closeOpportunity": WRITERS,
    "createQuote": WRITERS,
    "updateQuote": WRITERS,
    "changeQuoteStatus": WRITERS,
    "createPromotion": MANAGERS,
    "recordPromotionResult": WRITERS,
    "triggerSync": ADMINS,
    "acknowledgeAlert": WRITERS,
    "resolveAlert": WRITERS,
    "recordSentiment": WRITERS,
    "createTask": WRITERS,
    "updateTask": WRITERS,
    "reassignTask": WRITERS,
    "completeTask": WRITERS,
    "snoozeTask": WRITERS,
    "cancelTask": WRITERS,
    "startPlaybook": WRITERS,
}
"""Every mutation, with the roles that may call it. A mutation missing here is refused to everyone."""

QUERY_ROLES: dict[str, frozenset[Role]] = {"auditLog": ADMINS, "rejectedRecords": ADMINS, "quarantinedRecords": ADMINS}
"""Root query fields limited to some roles; every other query is readable by every role."""

INTEGRATION_FIELDS = frozenset({"triggerSync", "me"})
"""What an integration key may call, whatever its user's role: trigger syncs (and see who it is)."""


def authorize(actor: Actor | None, operation: str, field: str) -> None:
    """Raise unless ``actor`` may call root ``field`` of an ``operation`` (query / mutation)."""
    if actor is None:
        raise Unauthenticated("send an API key: Authorization: Bearer <key> (create one with `acctgraph keys create`)")
    if field.startswith("__"):
        return
    if actor.integration and field not in INTEGRATION_FIELDS:
        raise Forbidden(f"integration keys may only call {', '.join(sorted(INTEGRATION_FIELDS))}; use a user key")
    table = MUTATION_ROLES if operation == "mutation" else QUERY_ROLES
    roles = table.get(field, None if operation == "mutation" else EVERYONE)
    if roles is None or actor.role not in roles:
        raise Forbidden(f"a {actor.role.value} may not call {field}")


class EnforcePolicy(SchemaExtension):
    """Checks every root field of every operation against the policy table before it resolves."""

    def resolve(self, _next: Callable[..., Any], root: Any, info: GraphQLResolveInfo, *args: Any, **kwargs: Any) -> Any:
        if info.path.prev is None:
            authorize(info.context.viewer, info.operation.operation.value, info.field_name)
        return _next(root, info, *args, **kwargs)
