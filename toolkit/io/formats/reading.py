"""What the format readers share: the source record (paths and sha256s), a span checked against
its text as one located error, and the ids of documents that have none."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ...checks import span_problems
from ...problems import InputError, Problem
from .model import FormatDocument


def file_sha256(path: Path) -> str:
    """A file's sha256, read in blocks (a dataset file may be large)."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def source_of(path: Path, files: list[Path] | None = None) -> dict:
    """The provenance of a read: the path, and the sha256 of each file read (by its path
    relative to ``path`` when ``path`` is a folder)."""
    if files is None:
        return {"path": str(path), "sha256": file_sha256(path)}
    root = path.resolve()
    return {"path": str(path),
            "sha256": {_relative(f, root): file_sha256(f) for f in files}}


def _relative(file: Path, root: Path) -> str:
    """``file`` relative to ``root`` when it is inside it, else as it is."""
    try:
        return file.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(file)


def located(problem: Problem, line: int | None = None) -> InputError:
    """A ``Problem`` as the one ``InputError`` a reader raises (``line``: where the file has
    lines): ``file:line: record: field: found ..., expected ...``."""
    field = ": ".join(part for part in (problem.record, problem.field) if part) or None
    return InputError(problem.file, f"found {problem.found}, expected {problem.expected}",
                      line=line, field=field)


def check_span(file: str, record: str, start: int, end: int, text: str,
               value: str | None = None, line: int | None = None, field: str = "") -> None:
    """Raise the first problem ``checks.span_problems`` finds with ``[start:end]`` of ``text``
    (``value``: the span's text as the file gives it, checked against the slice)."""
    problems = span_problems(file, record, field, start, end, value, text)
    if problems:
        raise located(problems[0], line)


def position_id(index: int) -> str:
    """The id of a document its format names nowhere: its position in the source, from 0 (so
    gold and predictions read from two files of the same documents get the same ids)."""
    return str(index)


def gold_document(text: str, gold, meta: dict | None = None) -> FormatDocument:
    """A document whose format carries its whole gold (``schema.DocumentGold`` or
    ``io.gold.Gold``): mentions, entity keys and claims from it, and the gold itself."""
    return FormatDocument(
        id=gold.doc_id, text=text, mentions=[(m.start, m.end, m.label) for m in gold.mentions],
        entities=[m.entity for m in gold.mentions], claims=list(gold.as_prediction().claims),
        gold=gold, meta=meta)
