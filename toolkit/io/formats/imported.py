"""What the readers of files that carry gold (Label Studio and Doccano exports; ecbench's own
DocBin) share: an imported document id checked as a file name, a sloppy selection trimmed with
a warning (``changes_noted`` turns those into notes), and the gold checked as the corpus
validator checks it."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from typing import TypeVar

from ...checks import document_problems, trimmed
from ...problems import ImportChangeWarning, InputError, show
from ...schema import DocumentGold

T = TypeVar("T")


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


def check_gold(file, where: str, text: str, gold: DocumentGold) -> None:
    """The corpus validator's semantic checks (ids, references, offsets); raise the first."""
    problems = document_problems(gold, text, file)
    if problems:
        p = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        located = ": ".join(part for part in (where, p.record, p.field) if part)
        raise InputError(file, f"{located}: found {p.found}, expected {p.expected}{more}")



def changes_noted(read: Callable[[], T], notes: list[str]) -> T:
    """Run ``read``; what it changed on the way in (its ``ImportChangeWarning``s: a span
    trimmed, offsets converted) is appended to ``notes``, one line each, instead of warned."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ImportChangeWarning)
        result = read()
    for w in caught:
        if issubclass(w.category, ImportChangeWarning):
            notes.append(str(w.message))
        else:  # anything else goes on as it came
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return result
