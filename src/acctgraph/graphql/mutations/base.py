"""The one way a mutation runs: validate the input, call the domain in a transaction, check the actor may
make exactly these changes, write the audit trail, commit; or roll back and answer ``userErrors``."""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Callable
from typing import Any, TypeVar

import strawberry
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from strawberry import relay

from acctgraph.domain.actors import Actor
from acctgraph.domain.authorization import NotAuthorized, check_changes
from acctgraph.domain.changes import ChangeSet
from acctgraph.domain.rules import BusinessRuleError
from acctgraph.graphql.context import RequestContext
from acctgraph.graphql.errors import Forbidden, Unauthenticated
from acctgraph.graphql.types.node import ModelNode

T = TypeVar("T")
C = TypeVar("C", bound=BaseModel)
P = TypeVar("P")

ID_TYPES = {
    "account_id": "Account",
    "account_ids": "Account",
    "parent_id": "Account",
    "owner_id": "User",
    "to_owner_id": "User",
    "reports_to_id": "Contact",
    "attendee_ids": "Contact",
    "product_id": "Product",
    "opportunity_id": "Opportunity",
    "goal_id": "PlanItem",
}
"""The node type each id-valued input field must name (``id`` itself is given per mutation)."""


@strawberry.type(description="A business rule or validation failure: nothing was changed. Fix `field` and retry.")
class UserError:
    field: str | None = strawberry.field(description="The input field at fault (camelCase path), if one is.")
    message: str = strawberry.field(description="What is wrong and how to fix it.")
    code: str = strawberry.field(description="Machine-readable, e.g. STALE_VERSION, CYCLE, ILLEGAL_TRANSITION.")


class InvalidInput(Exception):
    def __init__(self, errors: list[UserError]) -> None:
        self.errors = errors


def camel(path: str) -> str:
    return re.sub(r"_([a-z])", lambda match: match.group(1).upper(), path)


def _decode(value: relay.GlobalID, expected: str, path: str) -> int:
    if value.type_name != expected or not value.node_id.isdigit():
        raise InvalidInput(
            [
                UserError(
                    field=camel(path),
                    message=f"give the id of a {expected}, not of a {value.type_name}",
                    code="INVALID_ID",
                )
            ]
        )
    return int(value.node_id)


def _plain(value: Any, name: str, path: str, node_type: str) -> Any:
    """Strawberry input values as plain data: global ids decoded to primary keys, nested inputs to dicts."""
    if isinstance(value, list):
        return [_plain(item, name, f"{path}.{index}", node_type) for index, item in enumerate(value)]
    if isinstance(value, relay.GlobalID):
        return _decode(value, node_type if name == "id" else ID_TYPES[name], path)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return input_data(value, node_type, f"{path}.")
    if isinstance(value, enum.Enum) and not isinstance(value, str):
        return value.value
    return value


def input_data(value: Any, node_type: str = "", prefix: str = "") -> dict[str, Any]:
    """The fields the client sent (UNSET ones left out, so the domain knows what to change)."""
    return {
        field.name: _plain(getattr(value, field.name), field.name, prefix + field.name, node_type)
        for field in dataclasses.fields(value)
        if getattr(value, field.name) is not strawberry.UNSET
    }


def _message(issue: Any) -> str:
    """pydantic's message, minus its "Value error, " prefix."""
    return str(issue["msg"]).removeprefix("Value error, ")


def parse(command_type: type[C], value: Any, node_type: str = "", **extra: Any) -> C:
    """Validate a GraphQL input with the domain's pydantic model; failures become userErrors."""
    try:
        return command_type.model_validate({**input_data(value, node_type), **extra})
    except ValidationError as error:
        raise InvalidInput(
            [
                UserError(
                    field=camel(".".join(str(part) for part in issue["loc"])) or None,
                    message=_message(issue),
                    code="INVALID",
                )
                for issue in error.errors()
            ]
        ) from None


def _in_transaction(
    session: Session, actor: Actor, operation: str, work: Callable[[Session, Actor], T]
) -> tuple[T | None, list[UserError]]:
    with ChangeSet(session) as changes:
        try:
            result = work(session, actor)
            session.flush()
            check_changes(session, actor, changes)
            changes.write_audit(actor, operation)
        except BusinessRuleError as error:
            session.rollback()
            return None, [UserError(field=error.field, message=error.message, code=error.code)]
        except BaseException:
            session.rollback()
            raise
    session.commit()
    return result, []


async def mutate(
    info: strawberry.Info[RequestContext, None], work: Callable[[Session, Actor], T]
) -> tuple[T | None, list[UserError]]:
    """Run ``work`` as one audited, authorised transaction; business-rule failures come back as userErrors."""
    context = info.context
    actor = context.viewer
    if actor is None:
        raise Unauthenticated("send an API key: Authorization: Bearer <key>")
    operation = info.field_name
    try:
        return await context.db.run_sync(lambda session: _in_transaction(session, actor, operation, work))
    except NotAuthorized as error:
        raise Forbidden(str(error)) from None


async def run(
    info: strawberry.Info[RequestContext, None],
    command_type: type[C],
    value: Any,
    work: Callable[[Session, Actor, C], T],
    node_type: str = "",
) -> tuple[T | None, list[UserError]]:
    """Parse ``value`` into ``command_type`` then ``mutate``; an invalid input changes nothing."""
    try:
        command = parse(command_type, value, node_type)
    except InvalidInput as invalid:
        return None, invalid.errors
    return await mutate(info, lambda session, actor: work(session, actor, command))


async def run_for_node(
    info: strawberry.Info[RequestContext, None],
    payload: type[P],
    node: type[ModelNode],
    command_type: type[C],
    value: Any,
    work: Callable[[Session, Actor, C], Any],
) -> P:
    """``run`` for a mutation of one ``node`` (which an ``id`` input names), answered as ``payload``:
    its first field holds the node, its ``user_errors`` the failures."""
    row, errors = await run(info, command_type, value, work, node.__name__)
    result_field = dataclasses.fields(payload)[0].name  # type: ignore[arg-type]
    return payload(**{result_field: None if row is None else node.from_row(row), "user_errors": errors})
