"""Read models: figures that lists sort and filter by, stored per row and kept right transactionally.

Importing this package registers the session events that maintain them (see ``maintenance``).
"""

from acctgraph.domain.read_model.maintenance import flush_touched, summarise_as_of, summary_session_info
from acctgraph.domain.read_model.summaries import (
    computed_summaries,
    refresh_account_summaries,
    refresh_summaries_of,
    stored_summaries,
    summarise_new_accounts,
)

__all__ = [
    "computed_summaries",
    "flush_touched",
    "refresh_account_summaries",
    "refresh_summaries_of",
    "stored_summaries",
    "summarise_as_of",
    "summarise_new_accounts",
    "summary_session_info",
]
