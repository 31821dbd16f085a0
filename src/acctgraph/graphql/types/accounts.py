"""Accounts: the customer companies of the book, with everything known about each."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable
from datetime import date, datetime
from typing import Annotated, Any

import strawberry
from sqlalchemy import ColumnElement, select
from strawberry import relay

from acctgraph import models
from acctgraph.domain.account_facts import account_mrr, is_strategic, latest_health_snapshots, next_renewals
from acctgraph.graphql.connections import ChildList, ChildPage, Connection, FilterKey, paginated
from acctgraph.graphql.context import Info, RequestContext
from acctgraph.graphql.date_ranges import date_range
from acctgraph.graphql.keyset import Ordering, SortKey
from acctgraph.graphql.loaders import load_by_id, load_children
from acctgraph.graphql.types.activities import Activity
from acctgraph.graphql.types.alerts import ACCOUNT_ALERTS, Alert, AlertStatus
from acctgraph.graphql.types.catalog import Product
from acctgraph.graphql.types.contacts import Contact
from acctgraph.graphql.types.contracts import Contract
from acctgraph.graphql.types.enums import ActivityKind, LifecycleStage, Segment
from acctgraph.graphql.types.health import Health
from acctgraph.graphql.types.identity import ExternalRef
from acctgraph.graphql.types.money import Money
from acctgraph.graphql.types.node import ModelNode
from acctgraph.graphql.types.opportunities import Opportunity
from acctgraph.graphql.types.ownership import OWNER_HISTORY, OwnershipChange
from acctgraph.graphql.types.plans import PLAN_GOALS, PlanItem, whitespace
from acctgraph.graphql.types.playbooks import ACCOUNT_PLAYBOOK_RUNS, PlaybookRun
from acctgraph.graphql.types.quotes import Quote
from acctgraph.graphql.types.relationships import Stakeholder, relationship_map
from acctgraph.graphql.types.revenue import revenue_errors
from acctgraph.graphql.types.scalars import BigInt
from acctgraph.graphql.types.signals import Invoice, NpsResponse, SupportTicket, UsagePoint
from acctgraph.graphql.types.tasks import ACCOUNT_TASKS, Task, TaskStatus
from acctgraph.graphql.types.users import User


def _newest_first(model: Any, column: Any, value_type: type) -> Ordering:
    return Ordering(
        (SortKey(column.key, column, descending=True, value_type=value_type), SortKey("id", model.id, descending=True))
    )


def _by_name(model: Any) -> Ordering:
    return Ordering((SortKey("name", model.name, value_type=str), SortKey("id", model.id)))


def _activity_kinds(kinds: FilterKey) -> list[ColumnElement[bool]]:
    return [models.Activity.kind.in_(kinds)] if kinds else []


CHILD_ACCOUNTS = ChildList(
    "account-children",
    models.Account.parent_id,
    _by_name(models.Account),
    (models.Account.archived_at.is_(None),),
)
CONTACTS = ChildList("account-contacts", models.Contact.account_id, _by_name(models.Contact))
CONTRACTS = ChildList(
    "account-contracts",
    models.Contract.account_id,
    _newest_first(models.Contract, models.Contract.start_date, date),
)
OPPORTUNITIES = ChildList(
    "account-opportunities",
    models.Opportunity.account_id,
    _newest_first(models.Opportunity, models.Opportunity.created_at, datetime),
)
ACTIVITIES = ChildList(
    "account-activities",
    models.Activity.account_id,
    _newest_first(models.Activity, models.Activity.occurred_at, datetime),
    filters=_activity_kinds,
)
QUOTES = ChildList(
    "account-quotes", models.Quote.account_id, _newest_first(models.Quote, models.Quote.created_at, datetime)
)
INVOICES = ChildList(
    "account-invoices",
    models.Invoice.account_id,
    _newest_first(models.Invoice, models.Invoice.due_date, date),
)
SUPPORT_TICKETS = ChildList(
    "account-tickets",
    models.SupportTicket.account_id,
    _newest_first(models.SupportTicket, models.SupportTicket.opened_at, datetime),
)
NPS_RESPONSES = ChildList(
    "account-nps",
    models.NpsResponse.account_id,
    _newest_first(models.NpsResponse, models.NpsResponse.responded_at, datetime),
)


@strawberry.type(description="A customer company: the unit of the book of business.")
class Account(ModelNode):
    model = models.Account

    id: relay.NodeID[int]
    name: str
    segment: Segment
    industry: str | None
    region: str | None
    lifecycle_stage: LifecycleStage
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None = strawberry.field(
        description="Set when archived; archived accounts are hidden from lists."
    )
    version: int = strawberry.field(description="Send it back with updates (optimistic concurrency).")
    owner_id: strawberry.Private[int | None]
    parent_id: strawberry.Private[int | None]

    def planned(self) -> dict[Any, Any]:
        """Values the page's look-ahead fetched for this account (``graphql.planner``), by field."""
        planned: dict[Any, Any] = getattr(self, "_planned", None) or {}
        return planned

    @paginated("Ownership transfers, newest first.", Connection[OwnershipChange])
    def owner_history(self) -> ChildPage:
        return ChildPage(OWNER_HISTORY, self.id, OwnershipChange.from_row)

    @strawberry.field(
        description="Active contacts as a reporting tree: the stakeholder map, drawn from the first `first` "
        "active contacts by name (page through `contacts` for the others)."
    )
    async def relationship_map(
        self,
        info: Info,
        first: Annotated[
            int | None,
            strawberry.argument(description="At most this many stakeholders (default and maximum in settings)."),
        ] = None,
    ) -> list[Stakeholder]:
        return await relationship_map(info, self.id, first)

    @paginated("The account plan: its goals (each with its initiatives), by due date.", Connection[PlanItem])
    def plan(self) -> ChildPage:
        return ChildPage(PLAN_GOALS, self.id, PlanItem.from_row)

    @strawberry.field(description="Catalogue products the account does not have under an active contract.")
    async def whitespace(self, info: Info) -> list[Product]:
        return await whitespace(info, self.id)

    @paginated("Quotes, newest first.", Connection[Quote])
    def quotes(self) -> ChildPage:
        return ChildPage(QUOTES, self.id, Quote.from_row)

    async def _domains(self, info: Info) -> list[models.AccountDomain]:
        return await load_children(
            info.context, models.AccountDomain.account_id, self.id, order_by=[models.AccountDomain.is_primary.desc()]
        )

    @strawberry.field(description="The primary web domain.")
    async def domain(self, info: Info) -> str | None:
        domains = await self._domains(info)
        return domains[0].domain if domains else None

    @strawberry.field(description="Every domain of the account, the primary first.")
    async def domains(self, info: Info) -> list[str]:
        return [row.domain for row in await self._domains(info)]

    @strawberry.field(description="The account manager who owns the account.", graphql_type=User | None)
    def owner(self, info: Info) -> User | Awaitable[User | None] | None:
        planned = self.planned()
        if "owner" in planned:
            return planned["owner"]  # type: ignore[no-any-return]
        return self._load_owner(info)

    async def _load_owner(self, info: Info) -> User | None:
        row = await load_by_id(info.context, models.User, self.owner_id)
        return None if row is None else User.from_row(row)

    @strawberry.field(description="The parent account in a hierarchy (e.g. the group a subsidiary belongs to).")
    async def parent(self, info: Info) -> Account | None:
        row = await load_by_id(info.context, models.Account, self.parent_id)
        return None if row is None else Account.from_row(row)

    @paginated("Child accounts, by name.", Connection["Account"])
    def children(self) -> ChildPage:
        return ChildPage(CHILD_ACCOUNTS, self.id, Account.from_row)

    @strawberry.field(
        description="Monthly recurring revenue of the contract lines in force today, in the reporting currency "
        "(an error, never 0, while a contract's currency has no exchange rate).",
        graphql_type=Money,
    )
    def mrr(self, info: Info) -> Money | Awaitable[Money]:
        planned = self.planned()
        if "mrr" in planned:
            return Money(amount_minor=BigInt(planned["mrr"]), currency=info.context.settings.reporting_currency)
        return self._load_mrr(info)

    async def _monthly(self, info: Info) -> Money:
        monthly = self.mrr(info)
        return monthly if isinstance(monthly, Money) else await monthly

    async def _load_mrr(self, info: Info) -> Money:
        context = info.context
        currency, today = context.settings.reporting_currency, context.today

        async def batch(account_ids: list[int]) -> list[int]:
            with revenue_errors():
                by_account = await context.db.run_sync(lambda s: account_mrr(s, account_ids, today, currency))
            return [by_account.get(account_id, 0) for account_id in account_ids]

        amount = await context.loaders.get("account-mrr", batch).load(self.id)
        return Money(amount_minor=amount, currency=currency)

    @strawberry.field(description="Annual recurring revenue: 12 x MRR, in the reporting currency.", graphql_type=Money)
    def arr(self, info: Info) -> Money | Awaitable[Money]:
        monthly = self.mrr(info)
        if isinstance(monthly, Money):
            return Money(amount_minor=BigInt(12 * monthly.amount_minor), currency=monthly.currency)
        return self._annual(monthly)

    @staticmethod
    async def _annual(monthly: Awaitable[Money]) -> Money:
        money = await monthly
        return Money(amount_minor=BigInt(12 * money.amount_minor), currency=money.currency)

    @strawberry.field(
        description="Strategic segment, or MRR at the strategic threshold (ACCTGRAPH_STRATEGIC_MRR_THRESHOLD_MINOR): "
        "the definition team metrics and promotions use."
    )
    async def is_strategic(self, info: Info) -> bool:
        monthly = await self._monthly(info)
        return is_strategic(self.segment, monthly.amount_minor, info.context.settings.strategic_mrr_threshold_minor)

    @paginated("The account's contacts, by name.", Connection[Contact])
    def contacts(self) -> ChildPage:
        return ChildPage(CONTACTS, self.id, Contact.from_row)

    @paginated("Contracts, newest start first.", Connection[Contract])
    def contracts(self) -> ChildPage:
        return ChildPage(CONTRACTS, self.id, Contract.from_row)

    @paginated("Opportunities, newest first.", Connection[Opportunity])
    def opportunities(self) -> ChildPage:
        return ChildPage(OPPORTUNITIES, self.id, Opportunity.from_row)

    @paginated("Activities, newest first; optionally only some kinds.", Connection[Activity])
    def activities(self, kinds: list[ActivityKind] | None = None) -> ChildPage:
        return ChildPage(ACTIVITIES, self.id, Activity.from_row, tuple(sorted(kinds)) if kinds else None)

    @paginated("Invoices, latest due date first.", Connection[Invoice])
    def invoices(self) -> ChildPage:
        return ChildPage(INVOICES, self.id, Invoice.from_row)

    @paginated("Support tickets, newest first.", Connection[SupportTicket])
    def support_tickets(self) -> ChildPage:
        return ChildPage(SUPPORT_TICKETS, self.id, SupportTicket.from_row)

    @paginated("NPS survey responses, newest first.", Connection[NpsResponse])
    def nps_responses(self) -> ChildPage:
        return ChildPage(NPS_RESPONSES, self.id, NpsResponse.from_row)

    @paginated("Risk alerts on the account, newest first; optionally only some statuses.", Connection[Alert])
    def alerts(self, statuses: list[AlertStatus] | None = None) -> ChildPage:
        filter_key = tuple(sorted(statuses)) if statuses else None
        count = self.planned().get(("alerts", filter_key))
        return ChildPage(ACCOUNT_ALERTS, self.id, Alert.from_row, filter_key, planned_count=count)

    @paginated("Tasks on the account, overdue first; optionally only some statuses.", Connection[Task])
    def tasks(
        self, statuses: Annotated[list[TaskStatus] | None, strawberry.argument(description="Only these.")] = None
    ) -> ChildPage:
        return ChildPage(ACCOUNT_TASKS, self.id, Task.from_row, tuple(sorted(statuses)) if statuses else None)

    @paginated("Playbooks started on the account, newest first.", Connection[PlaybookRun])
    def playbook_runs(self) -> ChildPage:
        return ChildPage(ACCOUNT_PLAYBOOK_RUNS, self.id, PlaybookRun.from_row)

    @strawberry.field(
        description="The latest health snapshot; null until health has been computed.", graphql_type=Health | None
    )
    def health(self, info: Info) -> Health | Awaitable[Health | None] | None:
        planned = self.planned()
        if "health" in planned:
            return planned["health"]  # type: ignore[no-any-return]
        return self._load_health(info)

    async def _load_health(self, info: Info) -> Health | None:
        context = info.context

        async def batch(account_ids: list[int]) -> list[Health | None]:
            rows = await context.db.scalars(latest_health_snapshots(account_ids))
            by_account = {row.account_id: Health.from_row(row) for row in rows}
            return [by_account.get(account_id) for account_id in account_ids]

        return await context.loaders.get("account-health", batch).load(self.id)

    @strawberry.field(description="Daily health snapshots between two days (default: the last 90 days), oldest first.")
    async def health_history(
        self,
        info: Info,
        since: Annotated[date | None, strawberry.argument(name="from")] = None,
        until: Annotated[date | None, strawberry.argument(name="to")] = None,
    ) -> list[Health]:
        context = info.context
        since, until = date_range(since, until, context.today)
        rows = await _rows_in_range(
            context, models.HealthSnapshot, models.HealthSnapshot.day, self.id, since, until, extra_key="health"
        )
        return [Health.from_row(row) for row in rows]

    @strawberry.field(description="A usage metric's daily values between two days (default: the last 90 days).")
    async def usage(
        self,
        info: Info,
        metric: str,
        since: Annotated[date | None, strawberry.argument(name="from")] = None,
        until: Annotated[date | None, strawberry.argument(name="to")] = None,
    ) -> list[UsagePoint]:
        context = info.context
        since, until = date_range(since, until, context.today)
        rows = await _rows_in_range(
            context,
            models.UsageMetric,
            models.UsageMetric.day,
            self.id,
            since,
            until,
            extra_key=metric,
            where=[models.UsageMetric.metric == metric],
        )
        return [UsagePoint(day=row.day, value=row.value) for row in rows]

    @strawberry.field(
        description="The active contract that ends soonest: the next renewal.", graphql_type=Contract | None
    )
    def next_renewal(self, info: Info) -> Contract | Awaitable[Contract | None] | None:
        planned = self.planned()
        if "nextRenewal" in planned:
            return planned["nextRenewal"]  # type: ignore[no-any-return]
        return self._load_next_renewal(info)

    async def _load_next_renewal(self, info: Info) -> Contract | None:
        context = info.context

        async def batch(account_ids: list[int]) -> list[Contract | None]:
            rows = await context.db.scalars(next_renewals(account_ids, context.today))
            by_account = {row.account_id: Contract.from_row(row) for row in rows}
            return [by_account.get(account_id) for account_id in account_ids]

        return await context.loaders.get("account-next-renewal", batch).load(self.id)

    @strawberry.field(description="The account's ids in the systems it was synced from.")
    async def external_refs(self, info: Info) -> list[ExternalRef]:
        context = info.context

        async def batch(account_ids: list[int]) -> list[list[ExternalRef]]:
            ref = models.ExternalRef
            rows = await context.db.scalars(
                select(ref)
                .where(ref.object_type == "account", ref.internal_id.in_(account_ids))
                .order_by(ref.source, ref.external_id)
            )
            grouped: dict[int, list[ExternalRef]] = defaultdict(list)
            for row in rows:
                grouped[row.internal_id].append(
                    ExternalRef(source=row.source, object_type=row.object_type, external_id=row.external_id)
                )
            return [grouped[account_id] for account_id in account_ids]

        return await context.loaders.get("account-external-refs", batch).load(self.id)


async def _rows_in_range(
    context: RequestContext,
    model: Any,
    day: Any,
    account_id: int,
    since: date,
    until: date,
    extra_key: str,
    where: list[ColumnElement[bool]] | None = None,
) -> list[Any]:
    """Rows of ``model`` for accounts in one batch, between two days, oldest first."""

    async def batch(account_ids: list[int]) -> list[list[Any]]:
        rows = await context.db.scalars(
            select(model)
            .where(model.account_id.in_(account_ids), day.between(since, until), *(where or []))
            .order_by(model.account_id, day)
        )
        grouped: dict[int, list[Any]] = defaultdict(list)
        for row in rows:
            grouped[row.account_id].append(row)
        return [grouped[account_id] for account_id in account_ids]

    loader = context.loaders.get(("in-range", model, extra_key, since, until), batch)
    return await loader.load(account_id)
