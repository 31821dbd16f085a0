"""Canonical records: the published shape of everything a connector may produce.

A connector yields these (or plain dicts the engine validates against them). Records point at other
records by the *source's own* ids (``account_external_id``, ``contract_external_id``...); the engine
resolves those to internal rows. Fields a schema lacks are kept (``model_extra``) and stored in the
row's ``extra`` JSON column, so nothing a source sends is silently dropped. Only the fields a connector
actually sets are written on update, so two sources feeding one account do not reset each other's fields.
"""

from __future__ import annotations

import enum
import re
import types
import typing
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import to_jsonable_python

from acctgraph.domain.currencies import minor_units
from acctgraph.models.accounts import Segment
from acctgraph.models.activities import ActivityKind
from acctgraph.models.contacts import BuyingRole, Influence, Sentiment
from acctgraph.models.contracts import BillingPeriod, ContractStatus
from acctgraph.models.opportunities import ForecastCategory, OpportunityKind, OpportunityStatus
from acctgraph.models.signals import InvoiceStatus, Satisfaction, TicketPriority, TicketStatus

__all__ = [
    "RECORD_TYPES",
    "AccountRecord",
    "AccountSentimentRecord",
    "ActivityKind",
    "ActivityRecord",
    "BillingPeriod",
    "BuyingRole",
    "CanonicalRecord",
    "ContactRecord",
    "ContractLineItem",
    "ContractLineRecord",
    "ContractRecord",
    "ContractStatus",
    "Entity",
    "ForecastCategory",
    "Influence",
    "InvoiceRecord",
    "InvoiceStatus",
    "NpsResponseRecord",
    "OpportunityKind",
    "OpportunityRecord",
    "OpportunityStatus",
    "ProductRecord",
    "Satisfaction",
    "Segment",
    "Sentiment",
    "SupportTicketRecord",
    "TicketPriority",
    "TicketStatus",
    "UsageMetricRecord",
    "minor_units",
    "source_values",
    "to_minor_units",
]


class Entity(enum.StrEnum):
    """The canonical entities; the value is also the ``object_type`` of ``external_refs``."""

    ACCOUNT = "account"
    CONTACT = "contact"
    PRODUCT = "product"
    CONTRACT = "contract"
    CONTRACT_LINE = "contract_line"
    OPPORTUNITY = "opportunity"
    ACTIVITY = "activity"
    INVOICE = "invoice"
    SUPPORT_TICKET = "support_ticket"
    USAGE_METRIC = "usage_metric"
    NPS_RESPONSE = "nps_response"
    ACCOUNT_SENTIMENT = "account_sentiment"

    @property
    def has_external_refs(self) -> bool:
        """Usage metrics are keyed by (account, metric, day), not by a source id."""
        return self is not Entity.USAGE_METRIC


_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def normalize_domain(value: str) -> str:
    """``https://www.Acme.com/`` -> ``acme.com``; refuses what is not a domain name."""
    domain = value.strip().lower()
    domain = re.sub(r"^[a-z]+://", "", domain).split("/")[0].removeprefix("www.")
    if not _DOMAIN.match(domain):
        raise ValueError(f"{value!r} is not a domain name (expected e.g. acme.com)")
    return domain


def to_minor_units(amount: Decimal | str | int | float | None, currency: str) -> int:
    """A decimal amount in a currency (``"1234.5"`` USD) as integer minor units (123450), with the
    currency's ISO 4217 decimals (:func:`minor_units`: 0 for JPY, 3 for KWD); 2 for a code not in the
    list. A missing amount is 0; fractions of a minor unit round half to even."""
    digits = minor_units(currency)
    value = Decimal(str(amount)) if amount not in (None, "") else Decimal(0)
    return int((value * 10 ** (2 if digits is None else digits)).to_integral_value())


def _upper(value: str) -> str:
    return value.upper()


Domain = Annotated[str, AfterValidator(normalize_domain)]
Currency = Annotated[str, Field(min_length=3, max_length=3, pattern=r"^[A-Za-z]{3}$"), AfterValidator(_upper)]
ExternalId = Annotated[str, Field(min_length=1, max_length=255)]
MinorUnits = Annotated[int, Field(description="Integer minor units of `currency` (cents), never a float")]


class CanonicalRecord(BaseModel):
    """Base of every record. Unknown fields are allowed and kept in the row's ``extra`` column."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=True, use_enum_values=False)

    entity: ClassVar[Entity]
    primary_key: ClassVar[tuple[str, ...]] = ("external_id",)

    def key(self) -> tuple[Any, ...]:
        """The record's primary key values, as declared by ``primary_key``."""
        return tuple(getattr(self, field) for field in self.primary_key)

    @property
    def extra(self) -> dict[str, Any]:
        """The fields the canonical schema lacks, stored as JSON."""
        return dict(self.model_extra or {})


class SourceRecord(CanonicalRecord):
    """A record with its own id in the source system."""

    external_id: ExternalId


class AccountOwned(SourceRecord):
    """A record that belongs to an account, named by the source's own id for it.

    ``account_domain`` is a hint for identity resolution when the account is not yet known under the
    source's id (e.g. a Zendesk organization's domain); contacts fall back to their e-mail's domain.
    """

    account_external_id: ExternalId
    account_domain: Domain | None = None


class AccountRecord(SourceRecord):
    entity = Entity.ACCOUNT
    name: str = Field(min_length=1, max_length=300)
    domain: Domain | None = Field(default=None, description="The primary web domain")
    domains: list[Domain] = Field(default_factory=list, description="Further domains of the same company")
    segment: Segment = Segment.SMB
    industry: str | None = Field(default=None, max_length=120)
    region: str | None = Field(default=None, max_length=120)
    owner_email: str | None = Field(default=None, description="E-mail of the acctgraph user who owns it")
    parent_external_id: ExternalId | None = None


class ContactRecord(AccountOwned):
    entity = Entity.CONTACT
    name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    title: str | None = Field(default=None, max_length=200)
    buying_role: BuyingRole | None = None
    influence: Influence | None = None
    sentiment: Sentiment | None = None
    reports_to_external_id: ExternalId | None = None
    active: bool = True


class ProductRecord(SourceRecord):
    entity = Entity.PRODUCT
    sku: str = Field(min_length=1, max_length=120)
    name: str = Field(min_length=1, max_length=200)
    family: str | None = Field(default=None, max_length=120)


class ContractLineItem(SourceRecord):
    """A line as nested in a ``ContractRecord``; lines missing from a later version are marked deleted."""

    entity = Entity.CONTRACT_LINE
    product_external_id: ExternalId
    quantity: int = Field(default=1, ge=0)
    unit_price_minor: MinorUnits = Field(ge=0, description="Price per unit per month, minor units")
    effective_from: date | None = Field(
        default=None,
        description="First day this quantity and price apply (e.g. when a trial ends); default: the contract's "
        "start for a new line, the day of the sync for a change",
    )


class ContractLineRecord(ContractLineItem):
    """A line synced on its own stream (e.g. a CSV of lines), naming its contract."""

    contract_external_id: ExternalId


class ContractRecord(AccountOwned):
    entity = Entity.CONTRACT
    number: str = Field(min_length=1, max_length=120)
    status: ContractStatus = ContractStatus.DRAFT
    start_date: date
    end_date: date
    auto_renew: bool = False
    notice_period_days: int = Field(default=30, ge=0)
    currency: Currency
    billing_period: BillingPeriod = BillingPeriod.ANNUAL
    renewal_of_external_id: ExternalId | None = None
    lines: list[ContractLineItem] | None = Field(
        default=None, description="The full set of lines, when the source sends them with the contract"
    )


class OpportunityRecord(AccountOwned):
    entity = Entity.OPPORTUNITY
    name: str = Field(min_length=1, max_length=300)
    kind: OpportunityKind = OpportunityKind.NEW
    stage: str = Field(min_length=1, max_length=120)
    status: OpportunityStatus = OpportunityStatus.OPEN
    amount_minor: MinorUnits
    currency: Currency
    probability: int = Field(default=10, ge=0, le=100)
    expected_close_date: date | None = None
    forecast_category: ForecastCategory = ForecastCategory.PIPELINE
    owner_email: str | None = None
    contract_external_id: ExternalId | None = None
    closed_at: AwareDatetime | None = None
    close_reason: str | None = Field(default=None, max_length=500)


class ActivityRecord(AccountOwned):
    entity = Entity.ACTIVITY
    kind: ActivityKind
    occurred_at: AwareDatetime
    subject: str = Field(min_length=1, max_length=500)
    body: str | None = None
    author_email: str | None = None


class InvoiceRecord(AccountOwned):
    entity = Entity.INVOICE
    number: str = Field(min_length=1, max_length=120)
    contract_external_id: ExternalId | None = None
    amount_minor: MinorUnits
    currency: Currency
    issued_on: date
    due_date: date
    paid_at: AwareDatetime | None = None
    status: InvoiceStatus = InvoiceStatus.OPEN
    voided_at: AwareDatetime | None = Field(
        default=None, description="When it was voided; left out, the sync that first sees it void dates it"
    )


class SupportTicketRecord(AccountOwned):
    entity = Entity.SUPPORT_TICKET
    subject: str = Field(min_length=1, max_length=500)
    requester_external_id: ExternalId | None = Field(default=None, description="The contact who asked")
    priority: TicketPriority = TicketPriority.NORMAL
    status: TicketStatus = TicketStatus.NEW
    escalated: bool = False
    opened_at: AwareDatetime
    closed_at: AwareDatetime | None = None
    satisfaction: Satisfaction | None = None


class NpsResponseRecord(AccountOwned):
    entity = Entity.NPS_RESPONSE
    score: int = Field(ge=0, le=10)
    comment: str | None = None
    contact_external_id: ExternalId | None = None
    responded_at: AwareDatetime


class AccountSentimentRecord(AccountOwned):
    """The account manager's sentiment on an account, as a CRM field or health tool records it; the
    input of the ``am_sentiment`` health measure. Valid 90 days from ``recorded_on`` unless said."""

    entity = Entity.ACCOUNT_SENTIMENT
    sentiment: Sentiment
    note: str | None = Field(default=None, max_length=2000)
    recorded_on: date
    valid_until: date | None = Field(default=None, description="Default: 90 days after recorded_on")
    author_email: str | None = Field(default=None, description="E-mail of the acctgraph user who recorded it")

    @model_validator(mode="after")
    def _valid_after_recorded(self) -> AccountSentimentRecord:
        if self.valid_until is None:
            self.valid_until = self.recorded_on + timedelta(days=90)
        elif self.valid_until < self.recorded_on:
            raise ValueError("valid_until must be on or after recorded_on")
        return self


class UsageMetricRecord(CanonicalRecord):
    """One day's value of one usage metric: keyed by (account, metric, day), not by a source id.

    Usage rows have no ``extra`` column: unknown fields are ignored rather than stored.
    """

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    entity = Entity.USAGE_METRIC
    primary_key = ("account_external_id", "metric", "day")
    account_external_id: ExternalId
    account_domain: Domain | None = None
    metric: str = Field(min_length=1, max_length=120)
    day: date
    value: float


RECORD_TYPES: dict[Entity, type[CanonicalRecord]] = {
    Entity.ACCOUNT: AccountRecord,
    Entity.CONTACT: ContactRecord,
    Entity.PRODUCT: ProductRecord,
    Entity.CONTRACT: ContractRecord,
    Entity.CONTRACT_LINE: ContractLineRecord,
    Entity.OPPORTUNITY: OpportunityRecord,
    Entity.ACTIVITY: ActivityRecord,
    Entity.INVOICE: InvoiceRecord,
    Entity.SUPPORT_TICKET: SupportTicketRecord,
    Entity.USAGE_METRIC: UsageMetricRecord,
    Entity.NPS_RESPONSE: NpsResponseRecord,
    Entity.ACCOUNT_SENTIMENT: AccountSentimentRecord,
}


def _is_text(record_type: type[CanonicalRecord], name: str) -> bool:
    annotation = record_type.model_fields[name].annotation
    options = typing.get_args(annotation) if isinstance(annotation, types.UnionType) else (annotation,)
    return str in options and int not in options and float not in options


def source_values(record_type: type[CanonicalRecord], values: Mapping[str, Any]) -> dict[str, Any]:
    """Values read from a typed source (a database row, a tap's record) made fit for ``record_type``:
    ``None`` left out (not given), numbers or UUIDs as text where the field is text (ids), naive
    timestamps taken as UTC, and fields the schema lacks as JSON values (they go to ``extra``)."""
    payload: dict[str, Any] = {}
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        if name not in record_type.model_fields:
            value = to_jsonable_python(value)
        elif _is_text(record_type, name) and not isinstance(value, str):
            value = str(value)
        payload[name] = value
    return payload
