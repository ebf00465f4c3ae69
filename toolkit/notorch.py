"""Import spaCy and ``datasets`` as if torch were not installed, for work that needs neither's
torch support.

thinc (under spaCy) imports torch whenever it is installed, and ``datasets`` does when loading a
builder; the export only tokenizes and writes parquet, yet torch adds about 190 MiB and 2-3 CPU
seconds to every process (the ``test`` and ``semantic`` extras install it). Both libraries
decide at import time: thinc treats a failed ``import torch`` as "not installed", and
``datasets.config`` asks ``importlib.util.find_spec``, which then answers None too.
"""

from __future__ import annotations

import importlib
import sys


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
