"""Admin-only user mutations: create, update, deactivate, set a user's manager (the team hierarchy)."""

from __future__ import annotations

import strawberry
from strawberry import UNSET, relay

from acctgraph.domain import users as domain
from acctgraph.graphql.context import Info
from acctgraph.graphql.mutations.base import run_for_node
from acctgraph.graphql.mutations.inputs import UserError
from acctgraph.graphql.types.enums import Role
from acctgraph.graphql.types.users import User


@strawberry.input(
    description="A new user; give them an API key with `acctgraph keys create` or let them sign in by SSO."
)
class CreateUserInput:
    email: str
    name: str
    role: Role | None = strawberry.field(default=UNSET, description="Default: ACCOUNT_MANAGER.")
    manager_id: relay.GlobalID | None = UNSET


@strawberry.input(description="Only the fields you send change.")
class UpdateUserInput:
    id: relay.GlobalID
    email: str | None = UNSET
    name: str | None = UNSET
    role: Role | None = UNSET


@strawberry.input(description="The user to deactivate: their keys and SSO logins stop working; their accounts stay.")
class DeactivateUserInput:
    id: relay.GlobalID


@strawberry.input(description="`managerId: null` puts the user at the top of the hierarchy.")
class SetUserManagerInput:
    id: relay.GlobalID
    manager_id: relay.GlobalID | None


@strawberry.type
class UserPayload:
    user: User | None
    user_errors: list[UserError]


@strawberry.type
class UserMutations:
    @strawberry.mutation(description="Add a user (admins only).")
    async def create_user(self, info: Info, input: CreateUserInput) -> UserPayload:
        return await run_for_node(info, UserPayload, User, domain.CreateUser, input, domain.create_user)

    @strawberry.mutation(description="Change a user's email, name or role (admins only); the last admin stays admin.")
    async def update_user(self, info: Info, input: UpdateUserInput) -> UserPayload:
        return await run_for_node(info, UserPayload, User, domain.UpdateUser, input, domain.update_user)

    @strawberry.mutation(description="Deactivate a user (admins only); the last active admin cannot be.")
    async def deactivate_user(self, info: Info, input: DeactivateUserInput) -> UserPayload:
        return await run_for_node(info, UserPayload, User, domain.DeactivateUser, input, domain.deactivate_user)

    @strawberry.mutation(description="Set whom a user reports to (admins only); a loop in the hierarchy is refused.")
    async def set_user_manager(self, info: Info, input: SetUserManagerInput) -> UserPayload:
        return await run_for_node(info, UserPayload, User, domain.SetUserManager, input, domain.set_user_manager)
