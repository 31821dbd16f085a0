"""The relationship map: an account's active contacts as a reporting tree (the stakeholder map)."""

from __future__ import annotations

from collections import defaultdict

import strawberry

from acctgraph import models
from acctgraph.graphql.context import RequestContext
from acctgraph.graphql.loaders import load_children
from acctgraph.graphql.types.contacts import Contact


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


async def relationship_map(info: strawberry.Info[RequestContext, None], account_id: int) -> list[Stakeholder]:
    contact = models.Contact
    rows = await load_children(info.context, contact.account_id, account_id, order_by=[contact.name])
    return stakeholder_tree([Contact.from_row(row) for row in rows if row.active])
