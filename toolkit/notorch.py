"""Import spaCy and ``datasets`` as if torch were not installed, for work that needs neither's
torch support.

thinc (under spaCy) imports torch whenever it is installed, and ``datasets`` does when loading a
builder; the export only tokenizes and writes parquet, yet torch adds about 190 MiB and 2-3 CPU
seconds to every process (the ``test`` and ``semantic`` extras install it). Both libraries treat
a failed ``import torch`` as "not installed", which is what this block makes it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def torch_hidden() -> Iterator[None]:
    """``import torch`` fails inside the block, unless torch is imported already (then nothing
    changes). Libraries first imported inside keep "no torch" for the process; torch itself is
    importable again after the block.

    >>> import importlib.util
    >>> with torch_hidden():
    ...     "torch" in sys.modules or importlib.util.find_spec("torch") is None
    True
    """
    if "torch" in sys.modules:
        yield
        return
    sys.modules["torch"] = None  # the import system's "not importable" mark
    try:
        yield
    finally:
        if "torch" in sys.modules and sys.modules["torch"] is None:
            del sys.modules["torch"]
