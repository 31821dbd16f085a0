"""The one way a mutation runs: validate the input, call the domain in a transaction, check the actor may
make exactly these changes, write the audit trail, commit; or roll back and answer ``userErrors``."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from acctgraph.domain.actors import Actor
from acctgraph.domain.authorization import NotAuthorized, check_changes
from acctgraph.domain.changes import ChangeSet
from acctgraph.domain.rules import BusinessRuleError
from acctgraph.graphql.context import Info
from acctgraph.graphql.errors import ErrorCode, Forbidden, Unauthenticated, error_code
from acctgraph.graphql.mutations.inputs import InvalidInput, UserError, parse
from acctgraph.graphql.types.node import ModelNode

T = TypeVar("T")
C = TypeVar("C", bound=BaseModel)
P = TypeVar("P")


STALE = UserError(
    field="version",
    message="someone else changed this object at the same moment; read it again (with its new version) and retry",
    code=ErrorCode.STALE_VERSION,
)
"""A concurrent update won the race: its UPDATE matched the version this one read, so ours matched none."""


def _in_transaction(
    session: Session, actor: Actor, operation: str, work: Callable[[Session, Actor], T]
) -> tuple[T | None, list[UserError]]:
    try:
        with ChangeSet(session) as changes:
            try:
                result = work(session, actor)
                session.flush()
                check_changes(session, actor, changes)
                changes.write_audit(actor, operation)
            except BusinessRuleError as error:
                session.rollback()
                return None, [UserError(field=error.field, message=error.message, code=error_code(error.code))]
            except BaseException:
                session.rollback()
                raise
        session.commit()
    except StaleDataError:
        session.rollback()
        return None, [STALE]
    return result, []


async def mutate(info: Info, work: Callable[[Session, Actor], T]) -> tuple[T | None, list[UserError]]:
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
    info: Info,
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
    info: Info,
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
