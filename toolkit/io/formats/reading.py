"""What this branch's format readers share beyond the framework's helpers (``model``): a span
checked against its text as one located error, the ids of documents a format names nowhere,
and a document carrying its whole gold."""

from __future__ import annotations

import re
from pathlib import Path

from ...checks import span_problems
from ...problems import InputError, Problem
from .model import FormatDocument, FormatMention


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


def positional_id(path: Path, position: int) -> str:
    """The id of a document its format names nowhere: the file stem (a plain file name) and
    its position from 1, as the CoNLL reader makes them (``test-0001``); such a source is
    ``positional`` (paired with the other side by order)."""
    stem = re.sub(r"[^A-Za-z0-9_.-]", "_", path.stem).lstrip(".-") or "doc"
    return f"{stem}-{position:04d}"


def gold_document(text: str, gold, *, file: str | None = None, where: str | None = None,
                  split: str | None = None, meta: dict | None = None) -> FormatDocument:
    """A document whose format carries its whole gold (``schema.DocumentGold`` or
    ``io.gold.Gold``): its mentions (entity keys, ids as ``where``) and claims from it, and
    the gold itself."""
    mentions = [FormatMention(m.start, m.end, m.label, m.entity, f"mention {m.id}")
                for m in gold.mentions]
    return FormatDocument(id=gold.doc_id, text=text, mentions=mentions,
                          claims=list(gold.as_prediction().claims), file=file, where=where,
                          split=split, gold=gold, meta=meta)
