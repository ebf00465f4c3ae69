"""Exports generated from the gold (the source of truth).

- ``hf``: a Hugging Face dataset folder (parquet per config and split, plus ``card``'s README)
- ``conll``: CoNLL-2003 BIO; ``docbin``: spaCy DocBin; ``labelstudio``: Label Studio tasks
- reading any of them back (and every other format) is ``io.formats``'s
- ``tokens``: the shared tokenisation and BIO tags; ``push``: upload to the Hub
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..io.corpus import GOLD_DIR
from ..problems import ImportChangeWarning, InputError
from .tokens import BIO_TAGS, ExportWarning

__all__ = ["BIO_TAGS", "ExportWarning", "ImportChangeWarning", "check_repo_id", "gold_documents",
           "require_gold"]


def check_repo_id(repo_id: str, flag: str = "--repo-id") -> str:
    """``repo_id`` if it is a Hub id ``ORG/NAME``, else ``ValueError`` naming ``flag``.

    >>> check_repo_id("org/ecbench")
    'org/ecbench'
    """
    if not re.fullmatch(r"[A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*", repo_id):
        raise ValueError(f"{flag}: found {repo_id!r}, expected ORG/NAME (letters, digits, "
                         "'-', '_', '.')")
    return repo_id


def gold_documents(corpus) -> Iterator:
    """The corpus's documents, one at a time (a ``CorpusStream`` holds none of them), refusing
    any without gold: an export never skips one silently."""
    for document in corpus:
        if document.gold is None:
            raise InputError(corpus.root / GOLD_DIR / f"{document.id}.json", "file not found; "
                             "every document in the manifest needs a gold file to be exported")
        yield document


def require_gold(corpus) -> list:
    """The corpus documents, every one checked for gold before any is exported."""
    return list(gold_documents(corpus))
