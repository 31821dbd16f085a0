"""External identities of a record in the systems it was synced from."""

from __future__ import annotations

import strawberry


@strawberry.type(description="The id of this record in a source system (a CRM, billing or support connection).")
class ExternalRef:
    source: str
    object_type: str
    external_id: str
