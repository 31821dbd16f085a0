"""SQLAlchemy models, one module per aggregate. Importing this package registers every table."""

from acctgraph.models.account_summaries import AccountSummary
from acctgraph.models.accounts import Account, AccountDomain, LifecycleStage, Segment
from acctgraph.models.activities import (
    Activity,
    ActivityKind,
    ActivityStatus,
    activity_attendees,
)
from acctgraph.models.alerts import Alert, AlertSeverity, AlertStatus
from acctgraph.models.audit import AuditRecord
from acctgraph.models.auth import ApiKey
from acctgraph.models.base import Base
from acctgraph.models.catalog import Product
from acctgraph.models.contacts import BuyingRole, Contact, Influence, Sentiment
from acctgraph.models.contract_status import ContractStatusChange
from acctgraph.models.contracts import (
    BillingPeriod,
    Contract,
    ContractLine,
    ContractStatus,
)
from acctgraph.models.currency import ExchangeRate
from acctgraph.models.health import HealthBand, HealthSnapshot
from acctgraph.models.health_measures import AccountSentiment, HealthMeasureScore
from acctgraph.models.identity import ExternalRef
from acctgraph.models.opportunities import (
    ForecastCategory,
    Opportunity,
    OpportunityKind,
    OpportunityStatus,
)
from acctgraph.models.ownership import OwnershipChange
from acctgraph.models.plans import PlanItem, PlanItemKind, PlanItemStatus
from acctgraph.models.playbooks import PlaybookRun
from acctgraph.models.promotions import Promotion, PromotionOutcome, PromotionTarget
from acctgraph.models.quotes import Quote, QuoteLine, QuoteStatus
from acctgraph.models.revenue import ForecastSnapshot
from acctgraph.models.signals import (
    Invoice,
    InvoiceStatus,
    NpsResponse,
    Satisfaction,
    SupportTicket,
    TicketPriority,
    TicketStatus,
    UsageMetric,
)
from acctgraph.models.stage_history import StageChange
from acctgraph.models.sync import (  # noqa: F401
    Connection,
    IdentityMapping,
    QuarantinedRecord,
    RejectedRecord,
    SyncRun,
    SyncRunStatus,
    SyncRunStream,
    SyncSighting,
    SyncState,
)
from acctgraph.models.sync_requests import SyncRequest  # noqa: F401
from acctgraph.models.tasks import Task, TaskPriority, TaskStatus
from acctgraph.models.users import Role, User

__all__ = [
    "Account",
    "AccountDomain",
    "AccountSentiment",
    "AccountSummary",
    "Activity",
    "ActivityKind",
    "ActivityStatus",
    "Alert",
    "AlertSeverity",
    "AlertStatus",
    "ApiKey",
    "AuditRecord",
    "Base",
    "BillingPeriod",
    "BuyingRole",
    "Contact",
    "Contract",
    "ContractLine",
    "ContractStatus",
    "ContractStatusChange",
    "ExchangeRate",
    "ExternalRef",
    "ForecastCategory",
    "ForecastSnapshot",
    "HealthBand",
    "HealthMeasureScore",
    "HealthSnapshot",
    "Influence",
    "Invoice",
    "InvoiceStatus",
    "LifecycleStage",
    "NpsResponse",
    "Opportunity",
    "OpportunityKind",
    "OpportunityStatus",
    "OwnershipChange",
    "PlanItem",
    "PlanItemKind",
    "PlanItemStatus",
    "PlaybookRun",
    "Product",
    "Promotion",
    "PromotionOutcome",
    "PromotionTarget",
    "Quote",
    "QuoteLine",
    "QuoteStatus",
    "Role",
    "Satisfaction",
    "Segment",
    "Sentiment",
    "StageChange",
    "SupportTicket",
    "Task",
    "TaskPriority",
    "TaskStatus",
    "TicketPriority",
    "TicketStatus",
    "UsageMetric",
    "User",
    "activity_attendees",
]
