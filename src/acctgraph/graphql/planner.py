"""Look-ahead for account lists: fetch what a page's nodes select with the page, then resolve synchronously.

Resolving ``arr``, ``owner``, ``health``... through DataLoaders costs an awaited coroutine (an asyncio
task once graphql-core gathers a list) per field per account, whatever the SQL. So before the page is
fetched, the ``accounts`` resolver reads the validated selection under ``nodes``/``edges { node }``
(fragments included) and plans what it can fetch in the page's own statement: the owner (a join), the
latest health's score/band/day (never the ``measures`` document), the next renewal (a join on its id),
alert counts per status set for ``alerts(first: 0)`` (correlated counts), and ARR/MRR (the domain's conversion, one batch after the
page). Each node then carries those values and its fields return them without awaiting; anything not
planned (another field, health's measures, an alerts page with rows) resolves through the DataLoaders
as before, so no selection becomes N+1.

The plan is computed once per document (the parsed document is cached, so its field node is the key) and
only for fields the reader may read: the field policy (``may_read``) is asked before a field is planned,
and ``EnforcePolicy`` still checks every field as it resolves.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    InlineFragmentNode,
    SelectionSetNode,
)
from graphql.execution.values import VariableValues, get_argument_values
from sqlalchemy import Select, and_
from sqlalchemy.orm import aliased, defer

from acctgraph import models
from acctgraph.domain.account_facts import alert_count
from acctgraph.graphql.context import Info, RequestContext
from acctgraph.graphql.document_cache import DocumentCache
from acctgraph.graphql.loaders import visible
from acctgraph.graphql.policy import Reader, may_read, reader_of
from acctgraph.graphql.types.accounts import Account
from acctgraph.graphql.types.contracts import Contract
from acctgraph.graphql.types.health import Health
from acctgraph.graphql.types.users import User

HEALTH_COLUMNS = frozenset({"score", "band", "day", "__typename"})
"""What a planned Health holds: the snapshot's columns, not its measures document."""


@dataclass(frozen=True)
class AccountPlan:
    """What a page of accounts selects that the page query can fetch."""

    owner: bool = False
    health: bool = False
    next_renewal: bool = False
    revenue: bool = False
    alert_counts: tuple[FieldNode, ...] = ()
    """``alerts(...)`` selections; those asking ``first: 0`` (a count, an empty page) are answered from a
    count fetched with the page (their arguments are read per request)."""

    def for_reader(self, reader: Reader) -> AccountPlan:
        """The plan without what ``reader`` may not read (those fields are refused when they resolve)."""

        def allowed(field: str, returns: str) -> bool:
            return may_read(reader, "Account", field, returns)

        return AccountPlan(
            owner=self.owner and allowed("owner", "User"),
            health=self.health and allowed("health", "Health"),
            next_renewal=self.next_renewal and allowed("nextRenewal", "Contract"),
            revenue=self.revenue and allowed("arr", "Money") and allowed("mrr", "Money"),
            alert_counts=self.alert_counts if allowed("alerts", "AlertConnection") else (),
        )


def _fields(
    selection_set: SelectionSetNode | None, fragments: dict[str, FragmentDefinitionNode]
) -> Iterator[FieldNode]:
    """The fields of a selection set, through inline fragments and fragment spreads."""
    if selection_set is None:
        return
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(selection.selection_set, fragments)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                yield from _fields(fragment.selection_set, fragments)


def _names(field: FieldNode, fragments: dict[str, FragmentDefinitionNode]) -> set[str]:
    return {child.name.value for child in _fields(field.selection_set, fragments)}


def _account_nodes(connection: FieldNode, fragments: dict[str, FragmentDefinitionNode]) -> Iterator[FieldNode]:
    """The fields selected on the connection's accounts, under ``nodes`` and under ``edges { node }``."""
    for child in _fields(connection.selection_set, fragments):
        if child.name.value == "nodes":
            yield from _fields(child.selection_set, fragments)
        elif child.name.value == "edges":
            for edge_field in _fields(child.selection_set, fragments):
                if edge_field.name.value == "node":
                    yield from _fields(edge_field.selection_set, fragments)


def plan_accounts(connection: FieldNode, fragments: dict[str, FragmentDefinitionNode]) -> AccountPlan:
    owner = health = next_renewal = revenue = False
    health_selections: list[set[str]] = []
    alert_counts: list[FieldNode] = []
    for field in _account_nodes(connection, fragments):
        name = field.name.value
        if name == "owner":
            owner = True
        elif name == "health":
            health_selections.append(_names(field, fragments))
        elif name == "nextRenewal":
            next_renewal = True
        elif name in ("arr", "mrr", "isStrategic"):
            revenue = True
        elif name == "alerts":
            alert_counts.append(field)
    health = bool(health_selections) and all(names <= HEALTH_COLUMNS for names in health_selections)
    return AccountPlan(owner, health, next_renewal, revenue, tuple(alert_counts))


class PlanCache:
    """Plans by field node: the parser cache hands every request of the same document the same nodes."""

    def __init__(self, size: int = 256) -> None:
        self._plans: DocumentCache[AccountPlan] = DocumentCache(size)

    def plan(self, connection: FieldNode, fragments: dict[str, FragmentDefinitionNode]) -> AccountPlan:
        return self._plans.get(connection, None, lambda: plan_accounts(connection, fragments))


ACCOUNT_PLANS = PlanCache()


def count_only_alerts(
    field: FieldNode, account_type: GraphQLObjectType, variables: VariableValues
) -> tuple[bool, tuple[Any, ...] | None]:
    """Whether an ``alerts(...)`` selection is a count only (``first: 0``, no cursor), and the filter key
    ``Account.alerts`` gives its statuses (sorted, or None for all), with the request's variables."""
    arguments = get_argument_values(account_type.fields["alerts"], field, variables)
    if arguments.get("first") != 0 or arguments.get("after") is not None or arguments.get("last") is not None:
        return False, None
    statuses = arguments.get("statuses")
    return True, tuple(sorted(statuses)) if statuses else None


OPEN_ONLY = (models.AlertStatus.OPEN,)


class AccountLookAhead:
    """The planned part of an accounts page: columns of the read model (``account_summaries``, which the
    list statement joins) and joins in the page statement, then the nodes carrying them.

    What depends on the day (MRR in force, the next renewal) is used only from summaries computed for
    today in the reporting currency; an account whose summary is older (the daily refresh has not run
    yet) or lacks a rate resolves those fields through the loaders, which compute them."""

    def __init__(
        self, plan: AccountPlan, alert_keys: tuple[tuple[Any, ...] | None, ...], today: date, currency: str
    ) -> None:
        self.plan = plan
        self.alert_keys = alert_keys
        self.today = today
        self.currency = currency

    def widen(self, statement: Select[Any]) -> tuple[Select[Any], int]:
        account, summary = models.Account, models.AccountSummary
        columns: list[Any] = [summary.as_of, summary.currency]
        if self.plan.owner:
            owner = aliased(models.User)
            statement = statement.outerjoin(owner, and_(owner.id == account.owner_id, *visible(owner)))
            columns.append(owner)
        if self.plan.health:
            columns += [summary.health_score, summary.health_band, summary.health_day]
        if self.plan.next_renewal:
            renewal = aliased(models.Contract)
            statement = statement.outerjoin(renewal, renewal.id == summary.next_renewal_contract_id)
            statement = statement.options(defer(renewal.extra))
            columns.append(renewal)
        if self.plan.revenue:
            columns += [summary.mrr_minor, summary.rates_missing]
        columns += [
            summary.open_alert_count if key == OPEN_ONLY else alert_count(account.id, key) for key in self.alert_keys
        ]
        return statement.add_columns(*columns), len(columns)

    async def nodes(self, context: RequestContext, rows: Sequence[Any], width: int) -> list[Any]:
        return [self._node(row) for row in rows]

    def _node(self, row: Any) -> Account:
        node = Account.from_row(row[0])
        planned: dict[Any, Any] = {}
        as_of, currency = row[1], row[2]
        current = as_of == self.today and currency == self.currency
        index = 3
        if self.plan.owner:
            owner = row[index]
            planned["owner"] = None if owner is None else User.from_row(owner)
            index += 1
        if self.plan.health:
            score, band, day = row[index : index + 3]
            planned["health"] = None if score is None else Health.of_columns(day, score, band)
            index += 3
        if self.plan.next_renewal:
            renewal = row[index]
            if as_of == self.today:
                planned["nextRenewal"] = None if renewal is None else Contract.from_row(renewal)
            index += 1
        if self.plan.revenue:
            mrr, rates_missing = row[index : index + 2]
            if current and not rates_missing and mrr is not None:
                planned["mrr"] = mrr
            index += 2
        for key in self.alert_keys:
            planned[("alerts", key)] = row[index]
            index += 1
        node._planned = planned  # type: ignore[attr-defined]
        return node


def account_look_ahead(info: Info) -> AccountLookAhead | None:
    """The look-ahead of an ``accounts`` connection field for this request, or None if nothing is planned."""
    raw = info._raw_info
    context = info.context
    if context.viewer is None:
        return None
    plan = ACCOUNT_PLANS.plan(raw.field_nodes[0], raw.fragments).for_reader(reader_of(context.viewer))
    account_type = raw.schema.get_type("Account")
    keys: list[tuple[Any, ...] | None] = []
    if isinstance(account_type, GraphQLObjectType):
        for field in plan.alert_counts:
            count_only, key = count_only_alerts(field, account_type, raw.variable_values)
            if count_only and key not in keys:
                keys.append(key)
    if not (plan.owner or plan.health or plan.next_renewal or plan.revenue or keys):
        return None
    return AccountLookAhead(plan, tuple(keys), context.today, context.settings.reporting_currency)
