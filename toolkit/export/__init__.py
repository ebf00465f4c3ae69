"""Exports generated from the gold (the source of truth) and imports back into it.

- ``hf``: a Hugging Face dataset folder (parquet per config and split, plus ``card``'s README)
- ``conll``: CoNLL-2003 BIO; ``docbin``: spaCy DocBin; ``labelstudio``: Label Studio tasks
- ``labelstudio`` / ``doccano``: import annotations made in those tools as gold files
- ``tokens``: the shared tokenisation and BIO tags; ``push``: upload to the Hub
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator

from ..checks import document_problems, trimmed
from ..io.corpus import GOLD_DIR
from ..problems import ImportChangeWarning, InputError, show
from ..schema import DocumentGold
from .tokens import BIO_TAGS, ExportWarning

__all__ = ["BIO_TAGS", "ExportWarning", "ImportChangeWarning", "check_doc_id", "check_gold",
           "check_repo_id", "gold_documents", "require_gold", "trim_imported"]


def check_repo_id(repo_id: str, flag: str = "--repo-id") -> str:
    """``repo_id`` if it is a Hub id ``ORG/NAME``, else ``ValueError`` naming ``flag``.

    >>> check_repo_id("org/ecbench")
    'org/ecbench'
    """
    if not re.fullmatch(r"[A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*", repo_id):
        raise ValueError(f"{flag}: found {repo_id!r}, expected ORG/NAME (letters, digits, "
                         "'-', '_', '.')")
    return repo_id


def check_doc_id(file, where: str, doc_id: str) -> str:
    """An imported document id becomes a file name (``seeds/<id>.txt``): refuse one that could
    point elsewhere (``../x``, ``a/b``) or hide (``.x``)."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", doc_id):
        raise InputError(file, f"{where}: doc_id: found {doc_id!r}, expected a plain file name "
                               "(letters, digits, '_', '-', '.'; not starting with '.')")
    return doc_id


def trim_imported(file, where: str, text: str, start: int, end: int) -> tuple[int, int]:
    """``[start:end]`` without surrounding whitespace, warning when that changes it.

    Annotation tools keep the space of a sloppy selection (``"Kim "``); gold spans never
    hold one (``ecbench validate`` refuses it), so an import trims it and says so.
    """
    s, e = trimmed(text, start, end)
    if s == e:
        raise InputError(file, f"{where}: found [{start}:{end}] {show(text[start:end])}, "
                               "expected a span that is not only whitespace")
    if (s, e) != (start, end):
        warnings.warn(ImportChangeWarning(
            f"{file}: {where}: [{start}:{end}] {show(text[start:end])} trimmed to "
            f"[{s}:{e}] {show(text[s:e])} (no leading or trailing whitespace in gold spans)"),
            stacklevel=2)
    return s, e


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


def check_gold(file, where: str, text: str, gold: DocumentGold) -> None:
    """The corpus validator's semantic checks (ids, references, offsets); raise the first."""
    problems = document_problems(gold, text, file)
    if problems:
        p = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        located = ": ".join(part for part in (where, p.record, p.field) if part)
        raise InputError(file, f"{located}: found {p.found}, expected {p.expected}{more}")
