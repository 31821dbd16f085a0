"""The relationship map: an account's active contacts as a reporting tree (the stakeholder map)."""

from __future__ import annotations

from collections import defaultdict

import strawberry

from acctgraph import models
from acctgraph.graphql.connections import ChildList, child_connection
from acctgraph.graphql.context import Info
from acctgraph.graphql.keyset import Ordering, PageRequest, SortKey
from acctgraph.graphql.types.contacts import Contact

STAKEHOLDERS = ChildList(
    "account-stakeholders",
    models.Contact.account_id,
    Ordering((SortKey("name", models.Contact.name, value_type=str), SortKey("id", models.Contact.id))),
    where=(models.Contact.active.is_(True),),
)
"""An account's active contacts by name: the map is drawn from the first ``first`` of them."""


@strawberry.type(description="A stakeholder and the people who report to them, within one account.")
class Stakeholder:
    contact: Contact
    reports: list[Stakeholder]


def stakeholder_tree(contacts: list[Contact]) -> list[Stakeholder]:
    """Roots are contacts reporting to nobody in the account (or to someone inactive)."""
    present = {contact.id for contact in contacts}
    children: dict[int | None, list[Contact]] = defaultdict(list)
    for contact in contacts:
        children[contact.reports_to_id if contact.reports_to_id in present else None].append(contact)

    def build(contact: Contact) -> Stakeholder:
        return Stakeholder(contact=contact, reports=[build(child) for child in children[contact.id]])

    return [build(root) for root in children[None]]


async def relationship_map(info: Info, account_id: int, first: int | None) -> list[Stakeholder]:
    """The tree of the account's first ``first`` active contacts by name (default and maximum: the page
    sizes in settings), loaded with every other account's map in one query; a contact whose manager is
    beyond the bound is a root."""
    page = PageRequest.from_arguments(info.context.settings, first, None, None, None)
    contacts = await child_connection(info.context, STAKEHOLDERS, account_id, page, Contact.from_row)
    return stakeholder_tree(contacts.nodes)
