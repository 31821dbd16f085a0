"""The fields an operation selects, as the projection reads them: flat, in response order, or not covered.

graphql-core's executor collects a selection set's fields through fragments into response keys, in the
order they first appear; the projection must build the same keys in the same order. It covers the plain
case only: no directives, fragments on the very type selected (spread or inline), each response key
selected once. Anything else raises :class:`NotCovered`, and the operation runs through the resolvers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
)


class NotCovered(Exception):
    """The projection does not answer this operation (or this request of it): execute it normally."""


@dataclass(frozen=True)
class Selected:
    """One field of a selection set: the key it answers under, the schema field, and its AST node."""

    key: str
    name: str
    node: FieldNode


def selected_fields(
    selection_set: SelectionSetNode | None, type_name: str, fragments: dict[str, FragmentDefinitionNode]
) -> list[Selected]:
    """The fields selected on an object of ``type_name``, in the executor's order; NotCovered if any key
    repeats, a directive is used, or a fragment is on another type."""
    if selection_set is None:
        raise NotCovered("an object field without a selection set")
    fields: list[Selected] = []
    keys: set[str] = set()
    for node in _field_nodes(selection_set, type_name, fragments):
        key = node.alias.value if node.alias else node.name.value
        if key in keys:
            raise NotCovered(f"{key} is selected more than once")
        keys.add(key)
        fields.append(Selected(key, node.name.value, node))
    return fields


def _field_nodes(
    selection_set: SelectionSetNode, type_name: str, fragments: dict[str, FragmentDefinitionNode]
) -> Iterator[FieldNode]:
    for selection in selection_set.selections:
        if selection.directives:
            raise NotCovered("directives")
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            if condition is not None and condition.name.value != type_name:
                raise NotCovered("a fragment on another type")
            yield from _field_nodes(selection.selection_set, type_name, fragments)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is None or fragment.directives or fragment.type_condition.name.value != type_name:
                raise NotCovered("a fragment on another type")
            yield from _field_nodes(fragment.selection_set, type_name, fragments)
