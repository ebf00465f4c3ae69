"""What a process does beside its work: the optional dependencies imported (one message for a
missing one), the cyclic garbage collector paused around bulk work, spaCy and ``datasets``
imported as if torch were absent, and for the ``ecbench`` command one BLAS thread and fewer
collections of the young generation.

``import_extra``: ``pip install ecbench`` is the light core (validate, score, report, compare);
every import of a library that an extra installs goes through it, so a missing one is one line
naming the extra (``EXTRAS``), never a traceback.

``collector_paused``: the scorer's sweep, the score command and the Hub export each allocate
millions of small objects that form no cycles; automatic collections would only rescan them
(and everything the imports made) again and again, a third of the run time on large inputs.

``one_blas_thread``: numpy's OpenBLAS starts a pool of threads when numpy is imported; on this
2-core machine that start costs about 70 ms of CPU in every ``ecbench`` process, more than
the toolkit's matrix products gain from threads (they are small, or run under one thread
already: ``compare``'s shuffles). The command asks for one thread unless the user set
``OPENBLAS_NUM_THREADS``; the Python API leaves the setting alone.

``collect_less_often``: CPython collects its youngest generation every 700 allocations of
container objects, and every tenth of those collections goes on to the next generation. A
command allocates millions of objects that stay (modules, the validators typer builds for its
options, the read): at 700 the collector rescans them again and again, 30 to 50 ms of CPU in a
`score` that takes 0.7 s. The command collects every ``YOUNG_COLLECTION`` allocations instead;
cyclic garbage is still collected, a little later. The Python API leaves the setting alone.

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
import importlib.util
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

from .problems import MissingExtraError

#: top-level module -> (the package as a message names it, the extra of ecbench that installs it)
EXTRAS: dict[str, tuple[str, str]] = {
    "spacy": ("spaCy", "spacy"),
    "datasets": ("datasets", "hf"),
    "huggingface_hub": ("huggingface_hub", "hf"),
    "pyarrow": ("pyarrow", "hf"),
    "matplotlib": ("matplotlib", "plots"),
    "pandas": ("pandas", "frames"),
    "sentence_transformers": ("sentence-transformers", "semantic"),
    "torch": ("torch", "semantic"),
    "openai": ("the openai package", "llm"),
    "ray": ("Ray", "ray"),
}


#: BLAS threads for the ``ecbench`` process when the user has not set them
BLAS_THREADS = "1"


#: allocations between collections of the youngest generation in the ``ecbench`` process
YOUNG_COLLECTION = 10_000


def collect_less_often() -> None:
    """Collect the youngest generation every ``YOUNG_COLLECTION`` allocations (the older
    generations' thresholds kept)."""
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION, middle, oldest)


def one_blas_thread() -> None:
    """Ask OpenBLAS for ``BLAS_THREADS`` threads unless the user said how many; it reads the
    setting when numpy is first imported, so this runs before that (the command's first
    lines)."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", BLAS_THREADS)


def install_hint(module: str) -> str:
    """What installs ``module`` (a top-level name of ``EXTRAS``).

    >>> install_hint("pandas")
    "pip install 'ecbench[frames]'"
    """
    return f"pip install 'ecbench[{EXTRAS[module][1]}]'"


def installed(module: str) -> bool:
    """Whether ``module`` can be imported, found without importing it (a module the import
    system marks "not importable", ``sys.modules[name] = None``, is not).

    >>> installed("json"), installed("no_such_module")
    (True, False)
    """
    if module in sys.modules:
        return sys.modules[module] is not None
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a parent package missing, or marked not importable
        return False


def import_extra(module: str, needed_by: str, failure: type[Exception] = MissingExtraError
                 ) -> ModuleType:
    """``importlib.import_module(module)`` for a library of an extra; when it (or a library it
    needs) is not installed, ``failure`` with one line: what needs it and the extra to install::

        export hf needs datasets: pip install 'ecbench[hf]'

    >>> import_extra("json", "this example").__name__
    'json'
    """
    top = module.partition(".")[0]
    try:
        return importlib.import_module(module)
    except ImportError:
        package = EXTRAS[top][0]
        raise failure(f"{needed_by} needs {package}: {install_hint(top)}") from None


@contextmanager
def collector_paused(until_exit: bool = False) -> Iterator[None]:
    """Automatic collections off inside the block; the previous state comes back after it.

    ``until_exit``, for a command whose process ends after the block: what is alive then is
    frozen (``gc.freeze``) before collections resume, so neither the first collection after
    the block nor the interpreter's last one at exit scans it (a full scan of everything the
    command read and made: about 0.3 s of a ``score`` that reads 20,000 statements).

    >>> with collector_paused():
    ...     gc.isenabled()
    False
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if until_exit:
            gc.freeze()
        if was_enabled:
            gc.enable()


def import_without_torch(*modules: str, needed_by: str) -> None:
    """Import ``modules`` (through ``import_extra``: ``needed_by`` names what needs them) with
    ``import torch`` failing meanwhile, unless torch is imported already (then they import as
    usual). They keep "no torch" for the process; torch itself is
    importable again afterwards. (Only the imports: ``datasets`` looks torch up in
    ``sys.modules`` while hashing, where the import system's "not importable" mark breaks it.)

    >>> import_without_torch("json", needed_by="this example")
    >>> sys.modules.get("torch", "absent") is not None
    True
    """
    if "torch" in sys.modules:
        for name in modules:
            import_extra(name, needed_by)
        return
    sys.modules["torch"] = None  # the import system's "not importable" mark
    try:
        for name in modules:
            import_extra(name, needed_by)
    finally:
        if "torch" in sys.modules and sys.modules["torch"] is None:
            del sys.modules["torch"]
