"""Compiling what a page selects on each account into columns of the page and functions of a row.

Every field is checked against the field policy for the reader (``graphql.policy.may_read``) as it is
compiled: a refused field is :class:`NotCovered`, so the resolvers run and give their usual error.
Plain fields (no resolver) of model-backed types read their column; the computed fields of an account
that the read model holds (``arr``, ``mrr``, ``isStrategic``, ``health``, ``nextRenewal``, alert counts
for ``alerts(first: 0)``) read its columns, under the same conditions the resolvers' look-ahead
(``graphql.planner``) uses them; anything else is not covered.

What a node selects becomes one Python expression of the page's ``row`` (nested dict displays, the row's
values by index, the schema's serializers by name), compiled once into a function: a node is then one
call, not a call per field (that was a fifth of a dashboard request's CPU). Values enter the generated
code only as names bound in its namespace; the source holds nothing but response keys (GraphQL names,
written with ``repr``), indexes and those names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FragmentDefinitionNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    SelectionSetNode,
    VariableNode,
    Visitor,
    get_named_type,
    visit,
)
from graphql.execution.values import get_argument_values
from sqlalchemy import Select, and_
from sqlalchemy.orm import aliased

from acctgraph import models
from acctgraph.domain.account_facts import alert_count, is_strategic
from acctgraph.domain.money import format_money
from acctgraph.graphql.ids import to_global_id
from acctgraph.graphql.loaders import visible
from acctgraph.graphql.policy import Reader, may_read
from acctgraph.graphql.projection.columns import PageColumns
from acctgraph.graphql.projection.selection import NotCovered, Selected, selected_fields
from acctgraph.settings import Settings

Row = list[Any]
Produce = Callable[[Row], Any]
Source = str
"""A Python expression of ``row``, in a ``NodeCompiler``'s namespace."""
Fields = list[tuple[str, Source]]
DEFINITION = "strawberry-definition"
OPEN_ONLY = (models.AlertStatus.OPEN,)
IDENTITY_ON_JSON = frozenset({"String", "Boolean"})
"""Scalars whose ``serialize`` returns a value JSON gave (text; a boolean, once decoded) unchanged."""


def obj(fields: Fields) -> Source:
    """A dict display of the fields, in their order."""
    return "{" + ", ".join(f"{key!r}: {value}" for key, value in fields) + "}"


def unless_null(index: int, source: Source) -> Source:
    return f"(None if row[{index}] is None else {source})"


@dataclass
class NodeCompiler:
    """Compiles selections on accounts (and the objects joined to them) for one reader."""

    schema: GraphQLSchema
    reader: Reader
    fragments: dict[str, FragmentDefinitionNode]
    settings: Settings
    columns: PageColumns = field(default_factory=PageColumns)
    namespace: dict[str, Any] = field(default_factory=dict)
    owner: Any = None
    renewal: Any = None
    current_summary: bool = False
    """Whether a value depends on the day (MRR, the next renewal): rows must be today's, in the reporting
    currency, with every rate, or the request is answered by the resolvers."""

    def fields(self, selection_set: SelectionSetNode | None, type_name: str) -> list[tuple[Selected, GraphQLField]]:
        """The selected fields of ``type_name`` with their definitions, each one the reader may read."""
        object_type = self.schema.get_type(type_name)
        assert isinstance(object_type, GraphQLObjectType)
        chosen = []
        for selected in selected_fields(selection_set, type_name, self.fragments):
            definition = object_type.fields.get(selected.name)
            if selected.name == "__typename":
                chosen.append((selected, GraphQLField(object_type)))
                continue
            if definition is None:
                raise NotCovered(f"{type_name}.{selected.name}")
            if not may_read(self.reader, type_name, selected.name, get_named_type(definition.type).name):
                raise NotCovered(f"the policy refuses {type_name}.{selected.name}")
            chosen.append((selected, definition))
        return chosen

    def name(self, value: Any) -> Source:
        """A name that stands for ``value`` in the generated code."""
        name = f"_{len(self.namespace)}"
        self.namespace[name] = value
        return name

    def function(self, source: Source) -> Produce:
        """``source`` compiled into a function of a row."""
        return eval(compile(f"lambda row: {source}", "<compiled read>", "eval"), self.namespace)

    def leaf(self, definition: GraphQLField, expression: Any) -> Source:
        """The field's value from its column, serialized by its own scalar or enum."""
        named = _leaf_type(definition)
        names = _enum_names(named, expression)
        if names is not None:
            index = self.columns.add(expression, raw=True)
            return unless_null(index, f"{self.name(names)}[row[{index}]]")
        index = self.columns.add(expression)
        if isinstance(named, GraphQLScalarType) and named.name in IDENTITY_ON_JSON:
            return f"row[{index}]"
        return unless_null(index, f"{self.name(named.serialize)}(row[{index}])")

    def model_object(
        self,
        selection_set: SelectionSetNode | None,
        type_name: str,
        entity: Any,
        computed: Callable[[Selected, GraphQLField], Source] | None = None,
    ) -> Fields:
        """A model-backed object: ``id`` and plain fields from ``entity``'s columns, others by ``computed``."""
        fields: Fields = []
        for selected, definition in self.fields(selection_set, type_name):
            if selected.name == "__typename":
                fields.append((selected.key, repr(type_name)))
            elif selected.name == "id":
                fields.append((selected.key, self._global_id(type_name, entity.id)))
            elif computed is not None and selected.name in COMPUTED_ACCOUNT_FIELDS:
                fields.append((selected.key, computed(selected, definition)))
            else:
                strawberry_field = definition.extensions.get(DEFINITION)
                column = getattr(entity, getattr(strawberry_field, "python_name", ""), None)
                plain = strawberry_field is not None and strawberry_field.base_resolver is None
                if not plain or getattr(column, "type", None) is None:
                    raise NotCovered(f"{type_name}.{selected.name} has a resolver")
                fields.append((selected.key, self.leaf(definition, column)))
        return fields

    def _global_id(self, type_name: str, column: Any) -> Source:
        return f"{self.name(to_global_id)}({type_name!r}, row[{self.columns.add(column)}])"

    def account(self, selection_set: SelectionSetNode | None) -> Produce:
        """The function that builds an account node of this selection from a page row."""
        return self.function(obj(self.model_object(selection_set, "Account", models.Account, self._account_field)))

    def _account_field(self, selected: Selected, definition: GraphQLField) -> Source:
        name = selected.name
        if name == "owner":
            self.owner = self.owner or aliased(models.User, name="owner")
            return self._joined(selected, "User", self.owner)
        if name == "nextRenewal":
            self.renewal = self.renewal or aliased(models.Contract, name="renewal")
            self.current_summary = True
            return self._joined(selected, "Contract", self.renewal)
        if name == "health":
            return self._health(selected)
        if name in ("arr", "mrr"):
            return self._money(selected, 12 if name == "arr" else 1)
        if name == "isStrategic":
            mrr, segment = self._mrr(), self.columns.add(models.Account.segment)
            threshold = self.settings.strategic_mrr_threshold_minor
            return f"{self.name(is_strategic)}(row[{segment}], row[{mrr}], {threshold!r})"
        if name == "alerts":
            return self._alert_count(selected, definition)
        raise NotCovered(f"Account.{name}")

    def _joined(self, selected: Selected, type_name: str, entity: Any) -> Source:
        fields = self.model_object(selected.node.selection_set, type_name, entity)
        return unless_null(self.columns.add(entity.id), obj(fields))

    def _health(self, selected: Selected) -> Source:
        summary = models.AccountSummary
        columns = {"day": summary.health_day, "score": summary.health_score, "band": summary.health_band}
        fields: Fields = []
        for child, definition in self.fields(selected.node.selection_set, "Health"):
            if child.name == "__typename":
                fields.append((child.key, repr("Health")))
            elif child.name in columns:
                fields.append((child.key, self.leaf(definition, columns[child.name])))
            else:
                raise NotCovered(f"Health.{child.name} is not in the read model")
        return unless_null(self.columns.add(summary.health_score), obj(fields))

    def _mrr(self) -> int:
        self.current_summary = True
        return self.columns.add(models.AccountSummary.mrr_minor)

    def _money(self, selected: Selected, months: int) -> Source:
        mrr = self._mrr()
        currency = self.settings.reporting_currency
        amount = f"{months} * row[{mrr}]"
        fields: Fields = []
        for child, definition in self.fields(selected.node.selection_set, "Money"):
            if child.name == "__typename":
                fields.append((child.key, repr("Money")))
            elif child.name == "amountMinor":
                fields.append((child.key, f"{self.name(_leaf_type(definition).serialize)}({amount})"))
            elif child.name == "currency":
                fields.append((child.key, repr(currency)))
            elif child.name == "formatted":
                fields.append((child.key, f"{self.name(format_money)}({amount}, {currency!r})"))
            else:
                raise NotCovered(f"Money.{child.name}")
        return obj(fields)

    def _alert_count(self, selected: Selected, definition: GraphQLField) -> Source:
        """``alerts(statuses: [...], first: 0)``: an empty page and its count; arguments must be literals
        (the count is a column of the compiled page)."""
        if _has_variables(selected):
            raise NotCovered("alerts with variables")
        arguments = get_argument_values(definition, selected.node)
        if arguments.get("first") != 0 or any(arguments.get(name) is not None for name in ("after", "last", "before")):
            raise NotCovered("a page of alerts")
        statuses = arguments.get("statuses")
        key = tuple(sorted(models.AlertStatus(status) for status in statuses)) if statuses else None
        account = models.Account
        count = models.AccountSummary.open_alert_count if key == OPEN_ONLY else alert_count(account.id, key)
        index = self.columns.add(count if key == OPEN_ONLY else count.label(f"alerts_{len(self.columns.expressions)}"))
        return self._empty_page(selected, get_named_type(definition.type).name, index)

    def _empty_page(self, selected: Selected, type_name: str, count: int) -> Source:
        fields: Fields = []
        for child, _definition in self.fields(selected.node.selection_set, type_name):
            if child.name == "__typename":
                fields.append((child.key, repr(type_name)))
            elif child.name == "totalCount":
                fields.append((child.key, f"row[{count}]"))
            elif child.name in ("edges", "nodes"):
                fields.append((child.key, "[]"))
            elif child.name == "pageInfo":
                fields.append((child.key, self._empty_page_info(child, count)))
            else:
                raise NotCovered(f"{type_name}.{child.name}")
        return obj(fields)

    def _empty_page_info(self, selected: Selected, count: int) -> Source:
        values = {
            "__typename": repr("PageInfo"),
            "hasNextPage": f"row[{count}] > 0",
            "hasPreviousPage": "False",
            "startCursor": "None",
            "endCursor": "None",
        }
        fields: Fields = []
        for child, _definition in self.fields(selected.node.selection_set, "PageInfo"):
            if child.name not in values:
                raise NotCovered(f"PageInfo.{child.name}")
            fields.append((child.key, values[child.name]))
        return obj(fields)

    def joined(self, statement: Select[Any]) -> Select[Any]:
        """The page statement with the joins the compiled fields read."""
        if self.owner is not None:
            owner = self.owner
            statement = statement.outerjoin(owner, and_(owner.id == models.Account.owner_id, *visible(owner)))
        if self.renewal is not None:
            renewal = self.renewal
            statement = statement.outerjoin(renewal, renewal.id == models.AccountSummary.next_renewal_contract_id)
        return statement


COMPUTED_ACCOUNT_FIELDS = frozenset({"owner", "nextRenewal", "health", "arr", "mrr", "isStrategic", "alerts"})


def _leaf_type(definition: GraphQLField) -> GraphQLScalarType | GraphQLEnumType:
    """The field's scalar or enum, whose ``serialize`` the executor uses for its values."""
    named = get_named_type(definition.type)
    if not isinstance(named, GraphQLScalarType | GraphQLEnumType):
        raise NotCovered("an object field read as a column")
    return named


def _enum_names(named: GraphQLScalarType | GraphQLEnumType, expression: Any) -> dict[Any, Any] | None:
    """An enum column's values as JSON gives them (the members' values), each with what the GraphQL enum
    serializes its member to, computed once; None when the column is not an enum, or the GraphQL enum
    does not serialize every member."""
    enum_class = getattr(expression.type, "enum_class", None)
    if not isinstance(named, GraphQLEnumType) or enum_class is None:
        return None
    try:
        return {member.value: named.serialize(member) for member in enum_class}
    except GraphQLError:
        return None


class _Variables(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_variable(self, _node: VariableNode, *_args: Any) -> None:
        self.found = True


def _has_variables(selected: Selected) -> bool:
    finder = _Variables()
    for argument in selected.node.arguments or ():
        visit(argument, finder)
    return finder.found
