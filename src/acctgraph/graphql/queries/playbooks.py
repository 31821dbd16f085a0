"""``playbooks``: the configured playbooks, their steps and triggers."""

from __future__ import annotations

import strawberry

from acctgraph.domain.tasks.playbook_config import PlaybookConfig, PlaybookConfigError, load_playbooks
from acctgraph.graphql.context import Info, RequestContext
from acctgraph.graphql.errors import ApiError, ErrorCode
from acctgraph.graphql.types.playbooks import Playbook


class PlaybooksMisconfigured(ApiError):
    code = ErrorCode.SERVER_MISCONFIGURED


def configured_playbooks(context: RequestContext) -> PlaybookConfig:
    """The playbooks file's content, or an error naming what an administrator must fix in it."""
    try:
        return load_playbooks(context.settings.playbooks_file)
    except PlaybookConfigError as error:
        raise PlaybooksMisconfigured(f"{error}; an administrator must fix ACCTGRAPH_PLAYBOOKS_FILE") from None


@strawberry.type
class PlaybookQueries:
    @strawberry.field(description="The configured playbooks (ACCTGRAPH_PLAYBOOKS_FILE, or the shipped default).")
    def playbooks(self, info: Info) -> list[Playbook]:
        config = configured_playbooks(info.context)
        return [Playbook.from_config(key, playbook) for key, playbook in config.playbooks.items()]
