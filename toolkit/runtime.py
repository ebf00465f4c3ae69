"""What a process does beside its work: the cyclic garbage collector paused around bulk work,
and spaCy and ``datasets`` imported as if torch were absent.

``collector_paused``: the scorer's sweep, the score command and the Hub export each allocate
millions of small objects that form no cycles; automatic collections would only rescan them
(and everything the imports made) again and again, a third of the run time on large inputs.

``import_without_torch``: thinc (under spaCy) imports torch whenever it is installed, and
``datasets`` does when loading a builder; the export only tokenizes and writes parquet, yet
torch adds about 190 MiB and 2-3 CPU seconds to every process (the ``test`` and ``semantic``
extras install it). Both libraries decide at import time: thinc treats a failed ``import
torch`` as "not installed", and ``datasets.config`` asks ``importlib.util.find_spec``, which
then answers None too.
"""

from __future__ import annotations

import gc
import importlib
import sys
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


def import_without_torch(*modules: str) -> None:
    """Import ``modules`` with ``import torch`` failing meanwhile, unless torch is imported
    already (then they import as usual). They keep "no torch" for the process; torch itself is
    importable again afterwards. (Only the imports: ``datasets`` looks torch up in
    ``sys.modules`` while hashing, where the import system's "not importable" mark breaks it.)

    >>> import_without_torch("json")
    >>> sys.modules.get("torch", "absent") is not None
    True
    """
    if "torch" in sys.modules:
        for name in modules:
            importlib.import_module(name)
        return
    sys.modules["torch"] = None  # the import system's "not importable" mark
    try:
        for name in modules:
            importlib.import_module(name)
    finally:
        if "torch" in sys.modules and sys.modules["torch"] is None:
            del sys.modules["torch"]
