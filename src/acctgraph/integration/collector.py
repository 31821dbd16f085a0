"""Keep the garbage collector off the objects a sync run finds alive (modules, models, the connector).

A run allocates records by the hundred thousand, so the collector runs often, and each of its full
collections walks every object alive: the imported libraries, mapped classes and compiled statements,
which are never garbage. Frozen for the run, they are left out of those walks.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def long_lived_objects_frozen() -> Iterator[None]:
    """Freeze what is alive now (``gc.freeze``) for the block, and unfreeze it after. Skipped when
    something froze already (the API freezes its start-up objects for good): unfreezing would undo that."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
