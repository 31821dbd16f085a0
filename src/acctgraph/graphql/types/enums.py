"""The model's enums, exposed as GraphQL enums (member names, e.g. MID_MARKET).

Each name here is the model's own Enum class (so type checkers see a class, not a variable); registering it with
strawberry below fixes its GraphQL name and values at import.
"""

import strawberry

from acctgraph.models import (
    ActivityKind,
    ActivityStatus,
    BillingPeriod,
    BuyingRole,
    ContractStatus,
    ForecastCategory,
    HealthBand,
    Influence,
    InvoiceStatus,
    LifecycleStage,
    OpportunityKind,
    OpportunityStatus,
    PlanItemKind,
    PlanItemStatus,
    PromotionOutcome,
    QuoteStatus,
    Role,
    Satisfaction,
    Segment,
    Sentiment,
    TicketPriority,
    TicketStatus,
)

for _enum in (
    Role,
    Segment,
    LifecycleStage,
    BuyingRole,
    Influence,
    Sentiment,
    ContractStatus,
    BillingPeriod,
    OpportunityKind,
    OpportunityStatus,
    ForecastCategory,
    ActivityKind,
    InvoiceStatus,
    TicketPriority,
    TicketStatus,
    Satisfaction,
    HealthBand,
    ActivityStatus,
    PlanItemKind,
    PlanItemStatus,
    QuoteStatus,
    PromotionOutcome,
):
    strawberry.enum(_enum)
