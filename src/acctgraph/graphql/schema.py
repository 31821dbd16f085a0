"""The GraphQL schema: the root types merged from each area's module, with the limits from settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import DocumentNode, GraphQLSchema
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.utils.await_maybe import await_maybe

from acctgraph.graphql.context import RequestContext
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
from acctgraph.graphql.projection import CompiledReads
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


class AcctgraphSchema(strawberry.Schema):
    """Strawberry's schema, answering the reads ``graphql.projection`` covers from compiled SQL.

    The hook is the execute function strawberry calls once the document is parsed and validated, inside
    its ``executing`` phase: every extension (limits, cost, policy, error codes, masking, tracing, the
    session's lifetime) runs around a compiled answer as around a resolved one. Overriding ``execute``
    itself would mean copying strawberry's whole operation pipeline.
    """

    compiled_reads: CompiledReads | None = None

    def _get_execute_function(self) -> Callable[..., Any]:
        execute = super()._get_execute_function()
        compiled_reads = self.compiled_reads
        if compiled_reads is None:
            return execute

        def execute_compiled_or_resolved(schema: GraphQLSchema, document: DocumentNode, **kwargs: Any) -> Any:
            context = kwargs.get("context_value")
            read = compiled_reads.plan(schema, document, kwargs.get("operation_name"), context)
            if read is None or not isinstance(context, RequestContext):
                return execute(schema, document, **kwargs)

            async def compiled_or_resolved() -> Any:
                data = await compiled_reads.data(read, schema, context, kwargs.get("variable_values"))
                if data is not None:
                    return GraphQLExecutionResult(data=data, errors=None)
                return await await_maybe(execute(schema, document, **kwargs))

            return compiled_or_resolved()

        return execute_compiled_or_resolved


def build_schema(settings: Settings) -> strawberry.Schema:
    query = merge_types("Query", QUERIES)
    mutation = merge_types("Mutation", MUTATIONS) if MUTATIONS else None
    schema = AcctgraphSchema(
        query=query,
        mutation=mutation,
        subscription=Subscription,
        extensions=schema_extensions(settings),
        config=StrawberryConfig(scalar_map=SCALARS, batching_config={"max_operations": settings.max_batch_operations}),
    )
    describe(schema._schema)
    if settings.compiled_reads:
        schema.compiled_reads = CompiledReads(settings, schema.config, schema.schema_converter.scalar_registry)
    return schema


def schema_sdl(settings: Settings) -> str:
    """The schema in SDL, as written to schema.graphql."""
    return build_schema(settings).as_str() + "\n"
