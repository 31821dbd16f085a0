"""Contact mutations: the stakeholders of an account and the relationship map."""

from __future__ import annotations

import strawberry
from strawberry import UNSET, relay

from acctgraph.domain import relationships as domain
from acctgraph.graphql.context import Info
from acctgraph.graphql.mutations.base import run_for_node
from acctgraph.graphql.mutations.inputs import UserError
from acctgraph.graphql.types.contacts import Contact
from acctgraph.graphql.types.enums import BuyingRole, Influence, Sentiment


@strawberry.input
class CreateContactInput:
    account_id: relay.GlobalID
    name: str
    email: str | None = UNSET
    title: str | None = UNSET
    buying_role: BuyingRole | None = UNSET
    influence: Influence | None = UNSET
    sentiment: Sentiment | None = UNSET
    reports_to_id: relay.GlobalID | None = UNSET


@strawberry.input(description="Only the fields you send change (null clears one); `version` is the one you read.")
class UpdateContactInput:
    id: relay.GlobalID
    version: int
    name: str | None = UNSET
    email: str | None = UNSET
    title: str | None = UNSET
    buying_role: BuyingRole | None = UNSET
    influence: Influence | None = UNSET
    sentiment: Sentiment | None = UNSET


@strawberry.input
class DeactivateContactInput:
    id: relay.GlobalID
    version: int


@strawberry.input(description="`reportsToId: null` makes the contact a root of the relationship map.")
class SetContactReportsToInput:
    id: relay.GlobalID
    version: int
    reports_to_id: relay.GlobalID | None


@strawberry.type
class ContactPayload:
    contact: Contact | None
    user_errors: list[UserError]


@strawberry.type
class ContactMutations:
    @strawberry.mutation(description="Add a stakeholder to an account.")
    async def create_contact(self, info: Info, input: CreateContactInput) -> ContactPayload:
        return await run_for_node(info, ContactPayload, Contact, domain.CreateContact, input, domain.create_contact)

    @strawberry.mutation(description="Change a contact's details, buying role, influence or sentiment.")
    async def update_contact(self, info: Info, input: UpdateContactInput) -> ContactPayload:
        return await run_for_node(info, ContactPayload, Contact, domain.UpdateContact, input, domain.update_contact)

    @strawberry.mutation(description="Mark a contact as gone (left the company); kept for history.")
    async def deactivate_contact(self, info: Info, input: DeactivateContactInput) -> ContactPayload:
        return await run_for_node(
            info, ContactPayload, Contact, domain.DeactivateContact, input, domain.deactivate_contact
        )

    @strawberry.mutation(description="Set whom a contact reports to, within the account (no loops).")
    async def set_contact_reports_to(self, info: Info, input: SetContactReportsToInput) -> ContactPayload:
        return await run_for_node(
            info, ContactPayload, Contact, domain.SetContactReportsTo, input, domain.set_reports_to
        )
