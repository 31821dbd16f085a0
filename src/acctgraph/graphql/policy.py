"""Who may read and call what, as data, and the one check every field of every operation goes through.

The policy is three tables:

- ``TYPE_READERS``: every object, interface and union type of the schema, with the readers who may read
  it. A field is readable only when its reader may read both the type it is on and the type it returns,
  so a type refused at the root (``auditLog`` returns ``AuditEntryConnection``) is refused nested too
  (``node(id:)`` on an ``AuditEntry``), and a type missing here is readable by no one.
- ``MUTATION_ROLES``: every mutation, with the roles that may call it.
- ``INTEGRATION_FIELDS``: the only fields an integration key may read, per type: ``me`` (its own user,
  no relations) and ``triggerSync``.

``may_read`` decides one (reader, type, field) and is what ``EnforcePolicy`` asks for each resolved
field; a planner that resolves fields itself (issue 14) asks it for each field of its plan.

Record-level rules (a manager writes only their team's accounts, an account manager only their own) are
checked on what each mutation actually changed, in ``acctgraph.domain.authorization``, called by the
one mutation runner (``graphql.mutations.base.mutate``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Final

from graphql import GraphQLNamedType, GraphQLResolveInfo, get_named_type
from strawberry.extensions import SchemaExtension

from acctgraph.domain.actors import Actor
from acctgraph.graphql.errors import Forbidden, Unauthenticated
from acctgraph.models import Role

INTEGRATION: Final = "integration"
"""The reader an integration key reads as, whatever its user's role."""

Reader = Role | str
"""A role, or ``INTEGRATION``."""

USERS = frozenset(Role)
WRITERS = frozenset({Role.ADMIN, Role.MANAGER, Role.ACCOUNT_MANAGER})
MANAGERS = frozenset({Role.ADMIN, Role.MANAGER})
ADMINS = frozenset({Role.ADMIN})
EVERYONE: frozenset[Reader] = frozenset({*Role, INTEGRATION})


def _readable_by(readers: frozenset[Reader], *type_names: str) -> dict[str, frozenset[Reader]]:
    return dict.fromkeys(type_names, readers)


TYPE_READERS: dict[str, frozenset[Reader]] = {
    # The roots and what an integration key's two fields return (narrowed field by field below).
    **_readable_by(EVERYONE, "Query", "Mutation", "Viewer", "User", "ApiKeyInfo"),
    # Live events: every user role (each subscription then limits the rows to the caller's book).
    **_readable_by(USERS, "Subscription"),
    **_readable_by(EVERYONE, "TriggerSyncPayload", "SyncRequest", "UserError"),
    # The audit trail: admins only (the root field ``auditLog``, and ``node``/``nodes`` alike).
    **_readable_by(ADMINS, "AuditEntry", "AuditEntryConnection", "AuditEntryEdge"),
    # Records a sync rejected or holds in quarantine, payloads included: admins only.
    **_readable_by(
        ADMINS,
        "UnwrittenRecord",
        "RejectedRecord",
        "RejectedRecordConnection",
        "RejectedRecordEdge",
        "QuarantinedRecord",
        "QuarantinedRecordConnection",
        "QuarantinedRecordEdge",
    ),
    # The write-back outbox: admins list it; each activity's and task's own write-back, every user role.
    **_readable_by(ADMINS, "CrmWritebackConnection", "CrmWritebackEdge"),
    **_readable_by(USERS, "CrmWriteback"),
    # Connections (never their configuration) and sync runs: every user role, as at the root.
    **_readable_by(USERS, "DataSource", "SyncRun", "SyncRunConnection", "SyncRunEdge", "SyncRunStream"),
    # The book: every user role.
    **_readable_by(
        USERS,
        "Task",
        "TaskConnection",
        "TaskEdge",
        "Playbook",
        "PlaybookStep",
        "PlaybookRun",
        "PlaybookRunConnection",
        "PlaybookRunEdge",
        "NpsGroup",
        "Node",
        "PageInfo",
        "Account",
        "AccountConnection",
        "AccountEdge",
        "AccountSentiment",
        "Activity",
        "ActivityConnection",
        "ActivityEdge",
        "Alert",
        "AlertConnection",
        "AlertEdge",
        "Contact",
        "ContactConnection",
        "ContactEdge",
        "Contract",
        "ContractConnection",
        "ContractEdge",
        "ContractLine",
        "ExternalRef",
        "Health",
        "HealthMeasure",
        "HealthMeasurePoint",
        "Invoice",
        "InvoiceConnection",
        "InvoiceEdge",
        "NpsResponse",
        "NpsResponseConnection",
        "NpsResponseEdge",
        "Opportunity",
        "OpportunityConnection",
        "OpportunityEdge",
        "OwnershipChange",
        "PlanItem",
        "Product",
        "Promotion",
        "PromotionTarget",
        "PlanItemConnection",
        "PlanItemEdge",
        "Quote",
        "QuoteConnection",
        "QuoteEdge",
        "QuoteLine",
        "StageChange",
        "Stakeholder",
        "SupportTicket",
        "SupportTicketConnection",
        "SupportTicketEdge",
        "UsagePoint",
        "UserConnection",
        "UserEdge",
    ),
    # Lists of the book that became connections (issue 9 §2): every user role, as their items.
    **_readable_by(USERS, "OwnershipChangeConnection", "OwnershipChangeEdge"),
    **_readable_by(USERS, "DataSourceConnection", "DataSourceEdge"),
    **_readable_by(
        USERS,
        "AccountManagerMetricsReportConnection",
        "AccountManagerMetricsReportEdge",
        "OwnerForecastAccuracyReportConnection",
        "OwnerForecastAccuracyReportEdge",
    ),
    # Revenue and health reports: every user role.
    **_readable_by(
        USERS,
        "AccountManagerMetrics",
        "BandArr",
        "Book",
        "Forecast",
        "ForecastBucket",
        "ForecastColumnTotals",
        "ForecastKindTotals",
        "ForecastTotals",
        "Money",
        "MrrMovements",
        "OwnerForecastAccuracy",
        "Period",
        "RenewalRates",
        "RenewingArr",
        "RevenueMetrics",
    ),
    # Mutation payloads: readable by whoever may call the mutation (MUTATION_ROLES decides that).
    **_readable_by(
        USERS,
        "AccountPayload",
        "TaskPayload",
        "StartPlaybookPayload",
        "UserPayload",
        "ActivityPayload",
        "AlertPayload",
        "CompleteQbrPayload",
        "ContactPayload",
        "OpportunityPayload",
        "PlanItemPayload",
        "PromotionPayload",
        "PromotionTargetPayload",
        "QuotePayload",
        "RecordSentimentPayload",
        "TransferAccountsPayload",
    ),
    # The job engine: its schedules and outcomes, and scheduling a connection's sync: admins only.
    **_readable_by(ADMINS, "ScheduledJob", "SetDataSourceSchedulePayload"),
    # Webhooks: endpoints, their delivery log and its events (admins only); one's own notification settings.
    **_readable_by(
        ADMINS,
        "WebhookEndpoint",
        "WebhookEndpointConnection",
        "WebhookEndpointEdge",
        "WebhookDelivery",
        "WebhookDeliveryConnection",
        "WebhookDeliveryEdge",
        "WebhookEvent",
        "CreateWebhookEndpointPayload",
        "WebhookEndpointPayload",
        "DeleteWebhookEndpointPayload",
        "RedeliverWebhookPayload",
    ),
    **_readable_by(USERS, "NotificationSettings", "UpdateMyNotificationSettingsPayload"),
    # The renewal desk, quotas and promotions (issue 13 parts 2 and 4): every user role.
    **_readable_by(
        USERS,
        "OpportunityFieldChange",
        "RenewalDesk",
        "RenewalDeskEntry",
        "RenewalRisk",
        "ChurnReasonArr",
        "RenewalSaves",
        "Quota",
        "QuotaAttainment",
        "QuotaPayload",
        "PromotionBrand",
        "PromotionConnection",
        "PromotionEdge",
        "ContractPayload",
    ),
}
"""Every object, interface and union type, with who may read it. A type missing here is read by no one."""

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
    "updateOpportunity": WRITERS,
    "setQuota": MANAGERS,
    "cancelContract": WRITERS,
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
    "createUser": ADMINS,
    "updateUser": ADMINS,
    "deactivateUser": ADMINS,
    "setUserManager": ADMINS,
    "setDataSourceSchedule": ADMINS,
    "createWebhookEndpoint": ADMINS,
    "updateWebhookEndpoint": ADMINS,
    "deleteWebhookEndpoint": ADMINS,
    "redeliverWebhook": ADMINS,
    "updateMyNotificationSettings": USERS,
}
"""Every mutation, with the roles that may call it. A mutation missing here is refused to everyone.
Integration keys may call ``triggerSync`` whatever their user's role (``INTEGRATION_FIELDS``)."""

INTEGRATION_FIELDS: dict[str, frozenset[str]] = {
    "Query": frozenset({"me"}),
    "Mutation": frozenset({"triggerSync"}),
    "Viewer": frozenset({"user", "role", "apiKey"}),
    "User": frozenset({"id", "name", "email", "role", "active", "createdAt", "updatedAt"}),
    "ApiKeyInfo": frozenset({"name", "prefix", "integration", "expiresAt", "createdAt"}),
    "TriggerSyncPayload": frozenset({"syncRequest", "userErrors"}),
    "SyncRequest": frozenset({"id", "streams", "fullRefresh", "claimedAt", "error", "createdAt"}),
    "UserError": frozenset({"field", "message", "code"}),
}
"""The only fields an integration key may read: who it is, and the sync requests it queues."""


def reader_of(actor: Actor) -> Reader:
    """The policy's reader for an actor: its role, or ``INTEGRATION`` for an integration key."""
    return INTEGRATION if actor.integration else actor.role


def may_read_type(reader: Reader, type_name: str) -> bool:
    return reader in TYPE_READERS.get(type_name, ())


def may_read(reader: Reader, type_name: str, field: str, returns: str) -> bool:
    """Whether ``reader`` may resolve ``field`` of ``type_name``, a field of (named) type ``returns``."""
    if field.startswith("__") or type_name.startswith("__"):
        return True  # introspection: the schema itself is no one's data
    if not may_read_type(reader, type_name):
        return False
    if reader == INTEGRATION:
        return field in INTEGRATION_FIELDS.get(type_name, ())
    if type_name == "Mutation" and reader not in MUTATION_ROLES.get(field, ()):
        return False
    return returns not in TYPE_READERS or may_read_type(reader, returns)


def refusal(reader: Reader, type_name: str, field: str) -> str:
    """Why ``may_read`` said no, and what to do instead."""
    if reader == INTEGRATION:
        allowed = ", ".join(sorted(INTEGRATION_FIELDS["Query"] | INTEGRATION_FIELDS["Mutation"]))
        return f"integration keys may only read {allowed} (not {type_name}.{field}); use a user key"
    if type_name == "Mutation":
        return f"a {reader} may not call {field}"
    return f"a {reader} may not read {type_name}.{field}"


class EnforcePolicy(SchemaExtension):
    """Checks every field of every operation, root or nested, against the policy before it resolves.

    Decisions are cached per (reader, type, field), so the per-field cost is one dictionary lookup.
    """

    _decisions: dict[tuple[Reader, str, str], bool] = {}

    def resolve(self, _next: Callable[..., Any], root: Any, info: GraphQLResolveInfo, *args: Any, **kwargs: Any) -> Any:
        actor: Actor | None = info.context.viewer
        if actor is None:
            raise Unauthenticated(
                "send an API key: Authorization: Bearer <key> (create one with `acctgraph keys create`)"
            )
        reader = reader_of(actor)
        key = (reader, info.parent_type.name, info.field_name)
        allowed = self._decisions.get(key)
        if allowed is None:
            returns: GraphQLNamedType = get_named_type(info.return_type)
            allowed = self._decisions[key] = may_read(reader, key[1], key[2], returns.name)
        if not allowed:
            raise Forbidden(refusal(reader, key[1], key[2]))
        return _next(root, info, *args, **kwargs)


def authorize(actor: Actor | None, type_name: str, field: str, returns: str) -> Actor:
    """The actor, if it may resolve ``field`` of ``type_name`` (for resolvers the extension does not
    wrap, such as a subscription's event stream); else Unauthenticated or Forbidden."""
    if actor is None:
        raise Unauthenticated("send an API key: Authorization: Bearer <key>")
    reader = reader_of(actor)
    if not may_read(reader, type_name, field, returns):
        raise Forbidden(refusal(reader, type_name, field))
    return actor


def require_type(actor: Actor | None, type_names: Iterable[str]) -> None:
    """Refuse objects of types ``actor`` may not read (``node``/``nodes`` check before loading them)."""
    if actor is None:
        raise Unauthenticated("send an API key: Authorization: Bearer <key>")
    reader = reader_of(actor)
    for type_name in type_names:
        if not may_read_type(reader, type_name):
            raise Forbidden(f"a {reader} may not read {type_name} objects")
