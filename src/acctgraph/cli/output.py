"""Tables of data printed as they are: values go in as ``Text``, so rich never reads markup into them
(a reason quoting ``[a-z0-9]``, a payload with lists)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text


def add_plain_row(table: Table, *values: object) -> None:
    table.add_row(*(Text(str(value)) for value in values))
