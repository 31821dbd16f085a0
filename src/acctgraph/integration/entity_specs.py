"""Where each canonical entity is written: its model, the references it makes to other records of the
same source, the user columns filled from emails, and the natural key that adopts other sources' rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Table

from acctgraph import models as m
from acctgraph.integration.records import Entity


@dataclass(frozen=True)
class Reference:
    """A record field naming another record of the same source by its external id."""

    field: str
    entity: Entity
    column: str
    required: bool = False


@dataclass(frozen=True)
class EntitySpec:
    model: type[m.Base]
    references: tuple[Reference, ...] = ()
    users: dict[str, str] = field(default_factory=dict)
    natural_key: str | None = None

    @property
    def table(self) -> Table:
        return self.model.__table__


_ACCOUNT = Reference("account_external_id", Entity.ACCOUNT, "account_id", required=True)
_CONTRACT = Reference("contract_external_id", Entity.CONTRACT, "contract_id")

SPECS: dict[Entity, EntitySpec] = {
    Entity.ACCOUNT: EntitySpec(
        m.Account, (Reference("parent_external_id", Entity.ACCOUNT, "parent_id"),), {"owner_email": "owner_id"}
    ),
    Entity.CONTACT: EntitySpec(
        m.Contact, (_ACCOUNT, Reference("reports_to_external_id", Entity.CONTACT, "reports_to_id"))
    ),
    Entity.PRODUCT: EntitySpec(m.Product, natural_key="sku"),
    Entity.CONTRACT: EntitySpec(
        m.Contract,
        (_ACCOUNT, Reference("renewal_of_external_id", Entity.CONTRACT, "renewal_of_id")),
        natural_key="number",
    ),
    Entity.CONTRACT_LINE: EntitySpec(
        m.ContractLine,
        (
            Reference("contract_external_id", Entity.CONTRACT, "contract_id", required=True),
            Reference("product_external_id", Entity.PRODUCT, "product_id", required=True),
        ),
    ),
    Entity.OPPORTUNITY: EntitySpec(m.Opportunity, (_ACCOUNT, _CONTRACT), {"owner_email": "owner_id"}),
    Entity.ACTIVITY: EntitySpec(m.Activity, (_ACCOUNT,), {"author_email": "author_id"}),
    Entity.INVOICE: EntitySpec(m.Invoice, (_ACCOUNT, _CONTRACT), natural_key="number"),
    Entity.SUPPORT_TICKET: EntitySpec(
        m.SupportTicket, (_ACCOUNT, Reference("requester_external_id", Entity.CONTACT, "requester_id"))
    ),
    Entity.NPS_RESPONSE: EntitySpec(
        m.NpsResponse, (_ACCOUNT, Reference("contact_external_id", Entity.CONTACT, "contact_id"))
    ),
    Entity.USAGE_METRIC: EntitySpec(m.UsageMetric, (_ACCOUNT,)),
    Entity.ACCOUNT_SENTIMENT: EntitySpec(m.AccountSentiment, (_ACCOUNT,), {"author_email": "author_id"}),
}
