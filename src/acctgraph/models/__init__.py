"""SQLAlchemy models, one module per aggregate. Importing this package registers every table."""

from acctgraph.models.accounts import Account, AccountDomain, LifecycleStage, Segment
from acctgraph.models.activities import Activity, ActivityKind, activity_attendees
from acctgraph.models.base import Base
from acctgraph.models.catalog import Product
from acctgraph.models.contacts import BuyingRole, Contact, Influence, Sentiment
from acctgraph.models.contracts import BillingPeriod, Contract, ContractLine, ContractStatus
from acctgraph.models.currency import ExchangeRate
from acctgraph.models.health import HealthBand, HealthSnapshot
from acctgraph.models.identity import ExternalRef
from acctgraph.models.opportunities import ForecastCategory, Opportunity, OpportunityKind, OpportunityStatus
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
from acctgraph.models.users import Role, User

__all__ = [
    "Account",
    "AccountDomain",
    "Activity",
    "ActivityKind",
    "Base",
    "BillingPeriod",
    "BuyingRole",
    "Contact",
    "Contract",
    "ContractLine",
    "ContractStatus",
    "ExchangeRate",
    "ExternalRef",
    "ForecastCategory",
    "HealthBand",
    "HealthSnapshot",
    "Influence",
    "Invoice",
    "InvoiceStatus",
    "LifecycleStage",
    "NpsResponse",
    "Opportunity",
    "OpportunityKind",
    "OpportunityStatus",
    "Product",
    "Role",
    "Satisfaction",
    "Segment",
    "Sentiment",
    "SupportTicket",
    "TicketPriority",
    "TicketStatus",
    "UsageMetric",
    "User",
    "activity_attendees",
]
