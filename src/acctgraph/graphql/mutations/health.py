"""``updateHealthConfiguration``: an admin replaces the scorecards and alert settings, validated first."""

from __future__ import annotations

import asyncio

import strawberry
from strawberry.scalars import JSON

from acctgraph.domain.health.scorecard import ScorecardError, save_health_config
from acctgraph.domain.health.service import measure_catalogue
from acctgraph.graphql.context import RequestContext
from acctgraph.graphql.mutations.user_errors import UserError
from acctgraph.integration.plugins import create_plugin_manager


@strawberry.input(description="The whole configuration document, in the shape `healthConfiguration` returns.")
class UpdateHealthConfigurationInput:
    document: JSON
    client_mutation_id: str | None = None


@strawberry.type(description="The configuration now in force, or userErrors naming each invalid field.")
class HealthConfigurationPayload:
    document: JSON | None
    user_errors: list[UserError]
    client_mutation_id: str | None


@strawberry.type
class HealthMutations:
    @strawberry.mutation(
        description="Replace the scorecards and alert settings (written to ACCTGRAPH_SCORECARD_FILE); "
        "nothing changes unless the whole document is valid. Applies from the next health computation."
    )
    async def update_health_configuration(
        self, info: strawberry.Info[RequestContext, None], input: UpdateHealthConfigurationInput
    ) -> HealthConfigurationPayload:
        path = info.context.settings.scorecard_file
        if path is None:
            return _rejected(
                input, [("", "set ACCTGRAPH_SCORECARD_FILE to a writable path to edit scorecards")], "NOT_CONFIGURED"
            )
        catalogue = measure_catalogue(create_plugin_manager())
        try:
            config = await asyncio.to_thread(save_health_config, path, input.document, catalogue)
        except ScorecardError as error:
            return _rejected(input, error.problems, "INVALID_SCORECARD")
        return HealthConfigurationPayload(
            document=config.model_dump(mode="json"), user_errors=[], client_mutation_id=input.client_mutation_id
        )


def _rejected(
    input: UpdateHealthConfigurationInput, problems: list[tuple[str, str]], code: str
) -> HealthConfigurationPayload:
    errors = [
        UserError(field=["input", "document", *filter(None, path.split("."))], message=message, code=code)
        for path, message in problems
    ]
    return HealthConfigurationPayload(document=None, user_errors=errors, client_mutation_id=input.client_mutation_id)
