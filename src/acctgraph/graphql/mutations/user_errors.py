"""The ``UserError`` every mutation payload lists: what the user can fix, and where."""

from __future__ import annotations

import strawberry


@strawberry.type(description="A problem with the input that the user can fix; `field` is the path to the input field.")
class UserError:
    field: list[str]
    message: str
    code: str
