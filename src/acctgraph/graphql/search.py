"""The ``search`` text of list filters: trimmed, lower-cased and bounded in length.

A pattern of tens of thousands of characters is no search but a load on the database (SQLite refuses
it as "pattern too complex"): longer than ``Settings.max_search_length`` is refused the same way on
every database.
"""

from __future__ import annotations

from acctgraph.graphql.errors import InvalidArgument
from acctgraph.settings import Settings


def search_term(text: str, settings: Settings) -> str:
    """The term to match, or ``InvalidArgument`` saying the limit."""
    term = text.strip().lower()
    if len(term) > settings.max_search_length:
        raise InvalidArgument(
            f"search for at most {settings.max_search_length} characters (got {len(term):,}); "
            "a part of the name is enough"
        )
    return term
