"""The GraphQL schema: the root types merged from each area's module, with the limits from settings."""

from __future__ import annotations

import strawberry
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from acctgraph.graphql.descriptions import describe
from acctgraph.graphql.extensions import schema_extensions
from acctgraph.graphql.mutations.accounts import AccountMutations
from acctgraph.graphql.mutations.activities import ActivityMutations
from acctgraph.graphql.mutations.alerts import AlertMutations
from acctgraph.graphql.mutations.contacts import ContactMutations
from acctgraph.graphql.mutations.contracts import ContractMutations
from acctgraph.graphql.mutations.health import HealthMutations
from acctgraph.graphql.mutations.jobs import JobMutations
from acctgraph.graphql.mutations.opportunities import OpportunityMutations
from acctgraph.graphql.mutations.plans import PlanMutations
from acctgraph.graphql.mutations.playbooks import PlaybookMutations
from acctgraph.graphql.mutations.promotions import PromotionMutations
from acctgraph.graphql.mutations.qbrs import QbrMutations
from acctgraph.graphql.mutations.quotas import QuotaMutations
from acctgraph.graphql.mutations.quotes import QuoteMutations
from acctgraph.graphql.mutations.sync import SyncMutations
from acctgraph.graphql.mutations.tasks import TaskMutations
from acctgraph.graphql.mutations.users import UserMutations
from acctgraph.graphql.mutations.webhooks import WebhookMutations
from acctgraph.graphql.queries.accounts import AccountQueries
from acctgraph.graphql.queries.alerts import AlertQueries
from acctgraph.graphql.queries.audit import AuditQueries
from acctgraph.graphql.queries.health import HealthQueries
from acctgraph.graphql.queries.jobs import JobQueries
from acctgraph.graphql.queries.me import MeQueries
from acctgraph.graphql.queries.playbooks import PlaybookQueries
from acctgraph.graphql.queries.promotions import PromotionQueries
from acctgraph.graphql.queries.relay import RelayQueries
from acctgraph.graphql.queries.renewal_desk import RenewalDeskQueries
from acctgraph.graphql.queries.revenue import RevenueQueries
from acctgraph.graphql.queries.sync import SyncQueries
from acctgraph.graphql.queries.triage import TriageQueries
from acctgraph.graphql.queries.users import UserQueries
from acctgraph.graphql.queries.voice import VoiceQueries
from acctgraph.graphql.queries.webhooks import WebhookQueries
from acctgraph.graphql.queries.writeback import WritebackQueries
from acctgraph.graphql.subscriptions import Subscription
from acctgraph.graphql.types.scalars import SCALARS
from acctgraph.settings import Settings

QUERIES: tuple[type, ...] = (
    RelayQueries,
    AccountQueries,
    UserQueries,
    MeQueries,
    AuditQueries,
    AlertQueries,
    HealthQueries,
    PlaybookQueries,
    VoiceQueries,
    RevenueQueries,
    SyncQueries,
    TriageQueries,
    JobQueries,
    WebhookQueries,
    WritebackQueries,
    RenewalDeskQueries,
    PromotionQueries,
)
MUTATIONS: tuple[type, ...] = (
    AccountMutations,
    ContactMutations,
    ActivityMutations,
    QbrMutations,
    PlanMutations,
    OpportunityMutations,
    QuoteMutations,
    PromotionMutations,
    AlertMutations,
    HealthMutations,
    TaskMutations,
    PlaybookMutations,
    SyncMutations,
    UserMutations,
    JobMutations,
    WebhookMutations,
    QuotaMutations,
    ContractMutations,
)


def build_schema(settings: Settings) -> strawberry.Schema:
    query = merge_types("Query", QUERIES)
    mutation = merge_types("Mutation", MUTATIONS) if MUTATIONS else None
    schema = strawberry.Schema(
        query=query,
        mutation=mutation,
        subscription=Subscription,
        extensions=schema_extensions(settings),
        config=StrawberryConfig(scalar_map=SCALARS, batching_config={"max_operations": settings.max_batch_operations}),
    )
    describe(schema._schema)
    return schema


def schema_sdl(settings: Settings) -> str:
    """The schema in SDL, as written to schema.graphql."""
    return build_schema(settings).as_str() + "\n"
