"""The garbage collector tuned for a sync run, and put back after it.

A run allocates records by the hundred thousand and keeps a batch of them alive until its commit. With
Python's defaults the collector then walks that batch hundreds of times, and each full collection walks
every object alive besides: the imported libraries, mapped classes and compiled statements, which are
never garbage. For the run, what is alive at its start is frozen out of the collector's view and the
youngest generation is collected less often. Memory stays flat: records are freed by reference counting
when their batch commits, not by the collector.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

YOUNGEST_GENERATION_THRESHOLD = 100_000
"""Allocations (net of frees) between collections of the youngest generation during a run (Python's
default is 700): more than a batch of 5,000 records holds with its rows, so a batch is rarely walked."""


@contextmanager
def collector_tuned_for_sync() -> Iterator[None]:
    """Freeze what is alive now (``gc.freeze``) and raise the youngest generation's threshold for the
    block; both are restored after. The freeze is skipped when something froze already (the API freezes
    its start-up objects for good): unfreezing at the end would undo that. The settings are process-wide."""
    thresholds = gc.get_threshold()
    freezing = gc.get_freeze_count() == 0
    if freezing:
        gc.freeze()
    gc.set_threshold(max(thresholds[0], YOUNGEST_GENERATION_THRESHOLD), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if freezing:
            gc.unfreeze()
