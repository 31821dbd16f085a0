"""The model's enums, exposed as GraphQL enums (member names, e.g. MID_MARKET)."""

import strawberry

from acctgraph import models

Role = strawberry.enum(models.Role)
Segment = strawberry.enum(models.Segment)
LifecycleStage = strawberry.enum(models.LifecycleStage)
BuyingRole = strawberry.enum(models.BuyingRole)
Influence = strawberry.enum(models.Influence)
Sentiment = strawberry.enum(models.Sentiment)
ContractStatus = strawberry.enum(models.ContractStatus)
BillingPeriod = strawberry.enum(models.BillingPeriod)
OpportunityKind = strawberry.enum(models.OpportunityKind)
OpportunityStatus = strawberry.enum(models.OpportunityStatus)
ForecastCategory = strawberry.enum(models.ForecastCategory)
ActivityKind = strawberry.enum(models.ActivityKind)
InvoiceStatus = strawberry.enum(models.InvoiceStatus)
TicketPriority = strawberry.enum(models.TicketPriority)
TicketStatus = strawberry.enum(models.TicketStatus)
Satisfaction = strawberry.enum(models.Satisfaction)
HealthBand = strawberry.enum(models.HealthBand)
