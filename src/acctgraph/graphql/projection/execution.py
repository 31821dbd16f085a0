"""Running a compiled read: bind the request's arguments, run one statement, answer from its page.

Whatever the projection cannot answer exactly as the resolvers would — arguments they refuse (their
error is theirs to give), a cursor of another list, a summary not of today, ARR without a rate, any
exception — is :class:`NotCovered`, and the caller executes the operation normally.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from graphql import GraphQLSchema
from graphql.execution.values import get_argument_values, get_variable_values
from sqlalchemy import Select, func, select
from strawberry.schema.config import StrawberryConfig
from strawberry.types.arguments import convert_arguments
from strawberry.types.unset import UNSET

from acctgraph.domain.read_model.account_list import count_of, list_rates_missing
from acctgraph.graphql.connections import directed_page, sort_columns
from acctgraph.graphql.context import RequestContext
from acctgraph.graphql.document_cache import variables_key
from acctgraph.graphql.keyset import Ordering, PageRequest, encode_cursor
from acctgraph.graphql.projection.compiled import CompiledRead, SummaryGuard
from acctgraph.graphql.projection.connection import Page
from acctgraph.graphql.projection.nodes import Row
from acctgraph.graphql.projection.selection import NotCovered
from acctgraph.graphql.projection.values import Decoder, decoder, json_rows
from acctgraph.graphql.queries.accounts import ListedAccounts, listed_accounts


def _argument(arguments: dict[str, Any], name: str) -> Any:
    value = arguments.get(name)
    return None if value is UNSET else value


def raw_arguments(read: CompiledRead, schema: GraphQLSchema, variables: dict[str, Any] | None) -> dict[str, Any]:
    """The ``accounts`` field's arguments, coerced by graphql-core (variables included)."""
    if not read.operation.variable_definitions:
        return get_argument_values(read.connection.definition, read.connection.field)
    coerced = get_variable_values(schema, read.operation.variable_definitions, variables or {})
    if isinstance(coerced, list):
        raise NotCovered("variables that do not coerce")
    return get_argument_values(read.connection.definition, read.connection.field, coerced)


@dataclass(frozen=True)
class BoundRead:
    """A compiled read with its arguments bound: the statement to run and how to read its answer."""

    statement: Select[Any]
    decoders: list[tuple[int, Decoder]]
    """(column index, decoder) of the columns JSON does not give as SQLAlchemy would."""
    ordering: Ordering
    page: PageRequest
    needs_rates: bool


def bind(
    read: CompiledRead, raw: dict[str, Any], config: StrawberryConfig, scalars: Any, context: RequestContext
) -> BoundRead:
    """The statement for these arguments, built through the resolver's own list definition."""
    arguments = convert_arguments(raw, read.accounts_field.arguments, scalar_registry=scalars, config=config)
    settings = context.settings
    page = PageRequest.from_arguments(
        settings,
        _argument(arguments, "first"),
        _argument(arguments, "after"),
        _argument(arguments, "last"),
        _argument(arguments, "before"),
    )
    listed = listed_accounts(settings, context.today, _argument(arguments, "filter"), _argument(arguments, "order_by"))
    statement, decoders = page_statement(read, listed, page)
    return BoundRead(statement, decoders, listed.ordering, page, listed.needs_rates)


def page_statement(
    read: CompiledRead, listed: ListedAccounts, page: PageRequest
) -> tuple[Select[Any], list[tuple[int, Decoder]]]:
    """One statement for the whole answer: the page as JSON, the total count, the missing-rates check."""
    columns: list[Any] = []
    connection = read.connection
    decoders: list[tuple[int, Decoder]] = []
    paged, directed = directed_page(listed.statement, listed.ordering, page)  # refuses a bad cursor
    if connection.rows_wanted:
        sorts = sort_columns(listed.ordering)
        inner = read.nodes.joined(paged.with_only_columns(*read.nodes.columns.expressions, *sorts))
        rows = inner.order_by(*directed.order_by()).limit(page.limit + 1).subquery("page")
        columns.append(select(json_rows(*rows.c)).scalar_subquery().label("rows"))
        every = [*read.nodes.columns.decoders, *(decoder(sort.type) for sort in sorts)]
        decoders = [(index, decode) for index, decode in enumerate(every) if decode is not None]
    if connection.total_wanted:
        columns.append(count_of(listed.statement).scalar_subquery().label("total"))
    if listed.needs_rates:
        columns.append(list_rates_missing().label("rates_missing"))
    if not columns:
        columns.append(func.count().label("nothing"))  # a list asked only for __typename
    return select(*columns), decoders


async def answer(
    read: CompiledRead,
    context: RequestContext,
    schema: GraphQLSchema,
    config: StrawberryConfig,
    scalars: Any,
    variables: dict[str, Any] | None,
) -> dict[str, Any]:
    """The operation's ``data``, or NotCovered. The statement of the same variables on the same day is
    built once (``read.bound``): a dashboard reloaded costs no argument coercion, SQL construction, nor
    its cache key."""
    variables_seen = variables_key(variables)
    bound = read.bound.get((variables_seen, context.today)) if variables_seen is not None else None
    if bound is None:
        bound = bind(read, raw_arguments(read, schema, variables), config, scalars, context)
        if variables_seen is not None:
            read.bound.put((variables_seen, context.today), bound)
    result = (await context.db.one_read(bound.statement))._mapping
    if bound.needs_rates and result["rates_missing"]:
        raise NotCovered("ARR without a rate: the resolvers say which")
    fetched = _page(read, bound, result, context)
    connection = read.connection.answer(fetched)
    return {key: "Query" if name == "__typename" else connection for key, name in read.root_fields}


def _page(read: CompiledRead, bound: BoundRead, result: Any, context: RequestContext) -> Page:
    page, decoders = bound.page, bound.decoders
    rows: list[Row] = []
    if read.connection.rows_wanted:
        rows = orjson.loads(result["rows"])
        for row in rows:
            for index, decode in decoders:
                row[index] = decode(row[index])
    has_more = len(rows) > page.limit
    rows = rows[: page.limit]
    if not page.forward:
        rows.reverse()
    if read.guard is not None:
        _check_current(read.guard, rows, context)
    width = len(read.nodes.columns.expressions)
    cursors = [encode_cursor(bound.ordering, row[width:]) for row in rows] if read.connection.cursors_wanted else []
    return Page(
        rows=rows,
        cursors=cursors,
        has_next_page=has_more if page.forward else page.cursor is not None,
        has_previous_page=page.cursor is not None if page.forward else has_more,
        total_count=int(result["total"]) if read.connection.total_wanted else None,
    )


def _check_current(guard: SummaryGuard, rows: list[Row], context: RequestContext) -> None:
    """Day-dependent values come only from summaries of today, in the reporting currency, with every rate."""
    today, currency = context.today, context.settings.reporting_currency
    for row in rows:
        if (
            row[guard.as_of] != today
            or row[guard.currency] != currency
            or row[guard.rates_missing]
            or row[guard.mrr] is None
        ):
            raise NotCovered("a summary not of today")
