"""One context manager that pauses Python's cyclic garbage collector.

The scorer's sweep, the score command and the Hub export each allocate millions of small
objects that form no cycles; automatic collections would only rescan them (and everything the
imports made) again and again, a third of the run time on large inputs.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Automatic collections off inside the block; the previous state comes back after it.

    >>> with collector_paused():
    ...     gc.isenabled()
    False
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
