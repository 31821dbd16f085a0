"""GraphQL mutation inputs as validated domain commands: global ids decoded, pydantic's failures as userErrors."""

from __future__ import annotations

import dataclasses
import enum
import re
from typing import Any, TypeVar

import strawberry
from pydantic import BaseModel, ValidationError
from strawberry import relay

from acctgraph.graphql.errors import ErrorCode

C = TypeVar("C", bound=BaseModel)

ID_TYPES = {
    "account_id": "Account",
    "account_ids": "Account",
    "parent_id": "Account",
    "owner_id": "User",
    "manager_id": "User",
    "to_owner_id": "User",
    "reports_to_id": "Contact",
    "attendee_ids": "Contact",
    "product_id": "Product",
    "opportunity_id": "Opportunity",
    "goal_id": "PlanItem",
    "connection_id": "DataSource",
    "delivery_id": "WebhookDelivery",
    "user_id": "User",
}
"""The node type each id-valued input field must name (``id`` itself is given per mutation)."""


@strawberry.type(description="A business rule or validation failure: nothing was changed. Fix `field` and retry.")
class UserError:
    field: str | None = strawberry.field(description="The input field at fault (camelCase path), if one is.")
    message: str = strawberry.field(description="What is wrong and how to fix it.")
    code: ErrorCode = strawberry.field(description="Machine-readable, e.g. STALE_VERSION, CYCLE, ILLEGAL_TRANSITION.")


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
                    code=ErrorCode.INVALID_ID,
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


def parse(command_type: type[C], value: Any, node_type: str = "") -> C:
    """Validate a GraphQL input with the domain's pydantic model; failures become userErrors."""
    try:
        return command_type.model_validate(input_data(value, node_type))
    except ValidationError as error:
        raise InvalidInput(
            [
                UserError(
                    field=camel(".".join(str(part) for part in issue["loc"])) or None,
                    message=_message(issue),
                    code=ErrorCode.INVALID,
                )
                for issue in error.errors()
            ]
        ) from None
