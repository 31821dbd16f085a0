"""Account mutations: create, update, archive, set parent, transfer in bulk."""

from __future__ import annotations

from datetime import date

import strawberry
from sqlalchemy.orm import Session
from strawberry import UNSET, relay

from acctgraph import models
from acctgraph.domain import accounts as domain
from acctgraph.domain.actors import Actor
from acctgraph.graphql.context import Info
from acctgraph.graphql.mutations.base import run, run_for_node
from acctgraph.graphql.mutations.inputs import UserError
from acctgraph.graphql.types.accounts import Account
from acctgraph.graphql.types.enums import LifecycleStage, Segment
from acctgraph.graphql.types.ownership import OwnershipChange


@strawberry.input
class CreateAccountInput:
    name: str
    domain: str | None = UNSET
    segment: Segment | None = UNSET
    industry: str | None = UNSET
    region: str | None = UNSET
    lifecycle_stage: LifecycleStage | None = UNSET
    owner_id: relay.GlobalID | None = strawberry.field(default=UNSET, description="Default: you.")
    parent_id: relay.GlobalID | None = UNSET


@strawberry.input(description="Only the fields you send change; `version` is the one you read.")
class UpdateAccountInput:
    id: relay.GlobalID
    version: int
    name: str | None = UNSET
    segment: Segment | None = UNSET
    industry: str | None = UNSET
    region: str | None = UNSET
    lifecycle_stage: LifecycleStage | None = UNSET


@strawberry.input
class ArchiveAccountInput:
    id: relay.GlobalID
    version: int


@strawberry.input(description="`parentId: null` detaches the account from its parent.")
class SetAccountParentInput:
    id: relay.GlobalID
    version: int
    parent_id: relay.GlobalID | None


@strawberry.input(description="Move accounts to a new owner; the history keeps the previous owner, date and reason.")
class TransferAccountsInput:
    account_ids: list[relay.GlobalID]
    to_owner_id: relay.GlobalID
    effective_on: date = strawberry.field(
        description="The day the accounts move; a later day is kept pending and applied on that day."
    )
    reason: str
    keep_open_work: bool = strawberry.field(
        default=False,
        description="Leave open opportunities, unresolved alerts and open tasks with the previous owner "
        "(by default they move with the account).",
    )


@strawberry.type
class AccountPayload:
    account: Account | None
    user_errors: list[UserError]


@strawberry.type
class TransferAccountsPayload:
    accounts: list[Account]
    transfers: list[OwnershipChange] = strawberry.field(
        description="One per account: applied now when effectiveOn is today or earlier, else pending."
    )
    user_errors: list[UserError]


@strawberry.type
class AccountMutations:
    @strawberry.mutation(description="Add an account to the book.")
    async def create_account(self, info: Info, input: CreateAccountInput) -> AccountPayload:
        return await run_for_node(info, AccountPayload, Account, domain.CreateAccount, input, domain.create_account)

    @strawberry.mutation(description="Change an account's name, segment, industry, region or lifecycle stage.")
    async def update_account(self, info: Info, input: UpdateAccountInput) -> AccountPayload:
        return await run_for_node(info, AccountPayload, Account, domain.UpdateAccount, input, domain.update_account)

    @strawberry.mutation(description="Archive an account: hidden from lists, no longer changed; still readable by id.")
    async def archive_account(self, info: Info, input: ArchiveAccountInput) -> AccountPayload:
        return await run_for_node(info, AccountPayload, Account, domain.ArchiveAccount, input, domain.archive_account)

    @strawberry.mutation(description="Put the account under a parent account (no loops), or detach it.")
    async def set_account_parent(self, info: Info, input: SetAccountParentInput) -> AccountPayload:
        return await run_for_node(
            info, AccountPayload, Account, domain.SetAccountParent, input, domain.set_account_parent
        )

    @strawberry.mutation(description="Transfer accounts to a new owner in bulk (book rebalancing), all or none.")
    async def transfer_accounts(self, info: Info, input: TransferAccountsInput) -> TransferAccountsPayload:
        today = info.context.today

        def transfer(
            session: Session, actor: Actor, command: domain.TransferAccounts
        ) -> list[tuple[models.OwnershipChange, models.Account]]:
            changes = domain.transfer_accounts(session, actor, command, today)
            return [(change, session.get_one(models.Account, change.account_id)) for change in changes]

        moved, errors = await run(info, domain.TransferAccounts, input, transfer)
        return TransferAccountsPayload(
            accounts=[Account.from_row(account) for _, account in moved or []],
            transfers=[OwnershipChange.from_row(change) for change, _ in moved or []],
            user_errors=errors,
        )
