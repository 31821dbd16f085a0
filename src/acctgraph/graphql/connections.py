"""Relay connections over keyset pagination, for root lists and, batched, for the lists of many parents."""

from __future__ import annotations

import base64
import binascii
import inspect
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

import strawberry
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import InstrumentedAttribute, aliased
from strawberry import relay
from strawberry.annotation import StrawberryAnnotation
from strawberry.extensions.field_extension import FieldExtension
from strawberry.types.arguments import StrawberryArgument
from strawberry.types.field import StrawberryField
from strawberry.types.nodes import FragmentSpread, InlineFragment

from acctgraph.graphql.context import Info, RequestContext
from acctgraph.graphql.errors import InvalidCursor
from acctgraph.graphql.keyset import Ordering, PageRequest, decode_cursor, encode_cursor
from acctgraph.graphql.loaders import visible

NodeType = TypeVar("NodeType", bound=relay.Node)
# What a child list is filtered by: the plain values of the field's arguments (e.g. the kinds asked for), or None.
FilterKey = tuple[Hashable, ...] | None


@strawberry.type(description="A page of a list, with cursors to page on (Relay connection, keyset paginated).")
class Connection(relay.Connection[NodeType], Generic[NodeType]):
    nodes: list[NodeType] = strawberry.field(description="The nodes of this page, without their cursors.")
    _count: strawberry.Private[Callable[[], Awaitable[int] | int]]

    @strawberry.field(description="How many items the whole list holds, across all pages.", graphql_type=int)
    def total_count(self) -> Awaitable[int] | int:
        """A count known with the page (planned) returns at once; otherwise it is loaded."""
        return self._count()


def build_connection(
    rows: Sequence[Any],
    ordering: Ordering,
    page: PageRequest,
    to_node: Callable[[Any], Any],
    count: Callable[[], Awaitable[int] | int],
) -> Connection[Any]:
    """A connection from up to ``limit + 1`` rows of (model, *sort values) in the requested direction."""
    has_more = len(rows) > page.limit
    rows = list(rows[: page.limit])
    if not page.forward:
        rows.reverse()
    edges = [relay.Edge(cursor=encode_cursor(ordering, list(row[1:])), node=to_node(row[0])) for row in rows]
    page_info = relay.PageInfo(
        has_next_page=has_more if page.forward else page.cursor is not None,
        has_previous_page=page.cursor is not None if page.forward else has_more,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return Connection(edges=edges, page_info=page_info, nodes=[edge.node for edge in edges], _count=count)


def sort_columns(ordering: Ordering) -> list[ColumnElement[Any]]:
    return [key.column.label(f"sort_{index}") for index, key in enumerate(ordering.keys)]


def directed_page(statement: Select[Any], ordering: Ordering, page: PageRequest) -> tuple[Select[Any], Ordering]:
    """The statement restricted to rows past the cursor, and the ordering to read them in."""
    directed = ordering if page.forward else ordering.reversed()
    if page.cursor is not None:
        statement = statement.where(directed.after(decode_cursor(ordering, page.cursor)))
    return statement, directed


class LookAhead(Protocol):
    """What a root list's page fetches besides its rows, for what the nodes select (``graphql.planner``)."""

    def widen(self, statement: Select[Any]) -> tuple[Select[Any], int]:
        """The page statement with the planned joins and columns after the model, and how many columns."""
        ...

    async def nodes(self, context: RequestContext, rows: Sequence[Any], width: int) -> list[Any]:
        """The nodes of the rows (model, *planned columns, ...), carrying their planned values."""
        ...


async def paginate(
    context: RequestContext,
    statement: Select[Any],
    ordering: Ordering,
    page: PageRequest,
    to_node: Callable[[Any], Any],
    look_ahead: LookAhead | None = None,
    rows_wanted: bool = True,
) -> Connection[Any]:
    """One page of ``statement`` (a filtered ``select(Model)``): one query, plus one if totalCount is asked.

    Without ``rows_wanted`` (the query asks only for totalCount) no page is fetched: only the COUNT runs."""
    count_statement = select(func.count()).select_from(statement.order_by(None).subquery())
    paged, directed = directed_page(statement, ordering, page)
    width = 0
    if look_ahead is not None:
        paged, width = look_ahead.widen(paged)
    rows: Sequence[Any] = []
    if rows_wanted:
        rows = await context.db.all(
            paged.add_columns(*sort_columns(ordering)).order_by(*directed.order_by()).limit(page.limit + 1)
        )
    if look_ahead is not None:
        nodes = await look_ahead.nodes(context, rows, width)
        rows = [(node, *row[1 + width :]) for node, row in zip(nodes, rows, strict=True)]
        to_node = _itself

    async def count() -> int:
        return int(await context.db.scalar(count_statement))

    return build_connection(rows, ordering, page, to_node, count)


def _itself(node: Any) -> Any:
    return node


@dataclass(frozen=True)
class ChildList:
    """A list under a parent (an account's contacts, ...), loaded for many parents in one query.

    ``filters`` turns a filter key (plain values from the field's arguments) into predicates.
    """

    name: str
    parent: InstrumentedAttribute[Any]
    ordering: Ordering
    where: tuple[ColumnElement[bool], ...] = ()
    filters: Callable[[FilterKey], list[ColumnElement[bool]]] = field(default=lambda _key: [])

    @property
    def model(self) -> Any:
        return self.parent.class_

    def base(self, parent_ids: list[int], filter_key: FilterKey) -> Select[Any]:
        conditions = (*visible(self.model), *self.where, *self.filters(filter_key))
        return select(self.model).where(self.parent.in_(parent_ids), *conditions)


async def child_connection(
    context: RequestContext,
    children: ChildList,
    parent_id: int,
    page: PageRequest,
    to_node: Callable[[Any], Any],
    filter_key: FilterKey = None,
) -> Connection[Any]:
    """The page of ``children`` under ``parent_id``, batched with the same page of every other parent."""
    rows_loader = context.loaders.get(
        ("child-rows", children.name), lambda keys: _load_child_rows(context, children, keys)
    )
    count_loader = context.loaders.get(
        ("child-count", children.name), lambda keys: _load_child_counts(context, children, keys)
    )
    rows = await rows_loader.load((parent_id, page, filter_key))
    return build_connection(rows, children.ordering, page, to_node, lambda: count_loader.load((parent_id, filter_key)))


async def _load_child_rows(
    context: RequestContext, children: ChildList, keys: list[tuple[int, PageRequest, FilterKey]]
) -> list[list[Any]]:
    parents_by_request: dict[tuple[PageRequest, FilterKey], list[int]] = defaultdict(list)
    for parent_id, page, filter_key in keys:
        parents_by_request[(page, filter_key)].append(parent_id)
    rows_by_key: dict[tuple[int, PageRequest, FilterKey], list[Any]] = defaultdict(list)
    for (page, filter_key), parent_ids in parents_by_request.items():
        for parent_id, row in await _child_page_rows(context, children, parent_ids, page, filter_key):
            rows_by_key[(parent_id, page, filter_key)].append(row)
    return [rows_by_key[key] for key in keys]


async def _child_page_rows(
    context: RequestContext, children: ChildList, parent_ids: list[int], page: PageRequest, filter_key: FilterKey
) -> list[tuple[int, Any]]:
    """Up to ``limit + 1`` rows per parent, numbered by a window function: one query for all parents."""
    statement, directed = directed_page(children.base(parent_ids, filter_key), children.ordering, page)
    position = func.row_number().over(partition_by=children.parent, order_by=directed.order_by())
    numbered = statement.add_columns(*sort_columns(children.ordering), position.label("position")).subquery()
    child = aliased(children.model, numbered)
    sort_values = [numbered.c[f"sort_{index}"] for index in range(len(children.ordering.keys))]
    parent_column = numbered.c[children.parent.key]
    rows = await context.db.all(
        select(child, *sort_values, parent_column)
        .where(numbered.c.position <= page.limit + 1)
        .order_by(parent_column, numbered.c.position)
    )
    return [(row[-1], tuple(row[:-1])) for row in rows]


async def _load_child_counts(
    context: RequestContext, children: ChildList, keys: list[tuple[int, FilterKey]]
) -> list[int]:
    parents_by_filter: dict[FilterKey, list[int]] = defaultdict(list)
    for parent_id, filter_key in keys:
        parents_by_filter[filter_key].append(parent_id)
    counts: dict[tuple[int, FilterKey], int] = {}
    for filter_key, parent_ids in parents_by_filter.items():
        base = children.base(parent_ids, filter_key).subquery()
        rows = await context.db.all(
            select(base.c[children.parent.key], func.count()).group_by(base.c[children.parent.key])
        )
        counts.update({(parent_id, filter_key): count for parent_id, count in rows})
    return [counts.get(key, 0) for key in keys]


@dataclass(frozen=True)
class RootList:
    """A root list: the filtered ``select(Model)``, its ordering, and how a row becomes a node."""

    statement: Select[Any]
    ordering: Ordering
    to_node: Callable[[Any], Any]
    look_ahead: LookAhead | None = None

    async def page(self, context: RequestContext, page: PageRequest, rows_wanted: bool = True) -> Connection[Any]:
        return await paginate(context, self.statement, self.ordering, page, self.to_node, self.look_ahead, rows_wanted)


@dataclass(frozen=True)
class ChildPage:
    """The children of one parent, to be paged together with those of the parent's siblings."""

    children: ChildList
    parent_id: int
    to_node: Callable[[Any], Any]
    filter_key: FilterKey = None
    planned_count: int | None = None
    """The list's length, when the parent's page fetched it (``graphql.planner``)."""

    def planned_page(self, page: PageRequest) -> Connection[Any] | None:
        """An empty page (``first: 0``) answered from the planned count, without loading anything."""
        if self.planned_count is None or page.limit != 0 or not page.forward or page.cursor is not None:
            return None
        count = self.planned_count
        return Connection(
            edges=[],
            page_info=relay.PageInfo(
                has_next_page=count > 0, has_previous_page=False, start_cursor=None, end_cursor=None
            ),
            nodes=[],
            _count=lambda: count,
        )

    async def page(self, context: RequestContext, page: PageRequest, rows_wanted: bool = True) -> Connection[Any]:
        return await child_connection(context, self.children, self.parent_id, page, self.to_node, self.filter_key)


class KeysetPagination(FieldExtension):
    """Adds Relay's ``first/after/last/before`` to a field whose resolver returns a RootList, a ChildPage
    or ReportRows."""

    def apply(self, field: StrawberryField) -> None:
        field.arguments = [*field.arguments, *_PAGE_ARGUMENTS]

    def resolve(
        self,
        next_: Any,
        source: Any,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        **kwargs: Any,
    ) -> Any:
        """A sync resolver's list: answered at once when its page was planned, else loaded (awaitable)."""
        page = PageRequest.from_arguments(info.context.settings, first, after, last, before)
        source_list = next_(source, info, **kwargs)
        if isinstance(source_list, ChildPage):
            planned = source_list.planned_page(page)
            if planned is not None:
                return planned
        return self._load(source_list, info, page)

    async def _load(self, source_list: Any, info: Info, page: PageRequest) -> Connection[Any]:
        if inspect.isawaitable(source_list):
            source_list = await source_list
        if isinstance(source_list, RootList):  # a child list pages its parents' rows together anyway
            return await source_list.page(info.context, page, rows_wanted=_selects_rows(info))
        return await source_list.page(info.context, page)

    async def resolve_async(
        self,
        next_: Any,
        source: Any,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        **kwargs: Any,
    ) -> Connection[Any]:
        page = PageRequest.from_arguments(info.context.settings, first, after, last, before)
        return await self._load(next_(source, info, **kwargs), info, page)


COUNT_ONLY = frozenset({"totalCount", "__typename"})


def _selects_rows(info: Info) -> bool:
    """Whether the query asks for anything of the connection but its totalCount (edges, nodes, pageInfo)."""
    if not info.selected_fields:
        return True
    names: set[str] = set()

    def collect(selections: list[Any]) -> None:
        for selection in selections:
            if isinstance(selection, FragmentSpread | InlineFragment):
                collect(selection.selections)
            else:
                names.add(selection.name)

    collect(info.selected_fields[0].selections)
    return not names <= COUNT_ONLY


def _page_argument(name: str, annotation: Any, description: str) -> StrawberryArgument:
    return StrawberryArgument(
        python_name=name,
        graphql_name=None,
        type_annotation=StrawberryAnnotation(annotation),
        description=description,
        default=None,
    )


_PAGE_ARGUMENTS = (
    _page_argument("first", int | None, "Page forward: at most this many items (default and maximum in settings)."),
    _page_argument("after", str | None, "Page forward from this cursor (exclusive)."),
    _page_argument("last", int | None, "Page backward: at most this many items before `before`, or the end."),
    _page_argument("before", str | None, "Page backward from this cursor (exclusive)."),
)


def paginated(description: str, connection_type: Any) -> Any:
    """A connection field: its resolver returns a RootList or ChildPage; the extension pages it."""
    return strawberry.field(description=description, graphql_type=connection_type, extensions=[KeysetPagination()])


RowType = TypeVar("RowType")
REPORT_CURSOR_PREFIX = "row:"


@strawberry.type(description="A row of a computed report, with its cursor.")
class ReportEdge(Generic[RowType]):
    cursor: str = strawberry.field(description="Pass it as `after` or `before` to page from this row.")
    node: RowType = strawberry.field(description="The row.")


@strawberry.type(
    description="A page of a computed report's rows, with cursors to page on (Relay connection, offset cursors: "
    "the report is computed afresh for each page)."
)
class ReportConnection(Generic[RowType]):
    edges: list[ReportEdge[RowType]] = strawberry.field(description="The rows of this page, with their cursors.")
    nodes: list[RowType] = strawberry.field(description="The rows of this page, without their cursors.")
    page_info: relay.PageInfo = strawberry.field(description="Whether there are rows before or after this page.")
    total_count: int = strawberry.field(description="How many rows the whole report holds, across all pages.")


def _report_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{REPORT_CURSOR_PREFIX}{offset}".encode()).decode()


def _report_offset(cursor: str, size: int) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        offset = int(text.removeprefix(REPORT_CURSOR_PREFIX)) if text.startswith(REPORT_CURSOR_PREFIX) else -1
    except (binascii.Error, ValueError, UnicodeDecodeError):
        offset = -1
    if not 0 <= offset < max(size, 1):
        raise InvalidCursor(f"cursor {cursor!r} is not a row of this report; restart from the first page")
    return offset


@dataclass(frozen=True)
class ReportRows(Generic[RowType]):
    """The rows of a report computed whole (one per team member, per owner), to be served a page at a time."""

    rows: Sequence[RowType]

    async def page(self, context: RequestContext, page: PageRequest) -> ReportConnection[RowType]:
        size = len(self.rows)
        if page.forward:
            start = 0 if page.cursor is None else _report_offset(page.cursor, size) + 1
            end = min(start + page.limit, size)
        else:
            end = size if page.cursor is None else _report_offset(page.cursor, size)
            start = max(end - page.limit, 0)
        edges = [ReportEdge(cursor=_report_cursor(offset), node=self.rows[offset]) for offset in range(start, end)]
        page_info = relay.PageInfo(
            has_next_page=end < size,
            has_previous_page=start > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        )
        return ReportConnection(edges=edges, nodes=[edge.node for edge in edges], page_info=page_info, total_count=size)
