"""Predictions files: JSONL, one Prediction per document, optionally a header line first.

::

    {"header": {"schema": "ecbench.predictions/v1", "produces": ["mentions"], "provenance": {...}}}
    {"doc_id": "000_7dc57cc10984332c", "mentions": [{"start": 0, "end": 6, "label": "GPE"}], "claims": []}

This is how any system, in any language, gets scored: write this file, run ``ecbench score``.

One reader, ``read_predictions``, with two paths inside it:

- located (``load_predictions``): each line parsed and validated by pydantic (strict), every
  problem named by file, line and field; what ``ecbench validate`` prints, and what decides
  what a file may hold.
- fast (``read_predictions(..., fast=True)``, for scoring): msgspec decodes the lines straight
  into light records (``FastPrediction``, ``FastMention``: Prediction's attribute names; claims
  are pydantic's ``PredClaim``, as there are few), about ten times faster on large files. It
  accepts only what the located path accepts, and gives up on anything else: then the located
  path reads the file, and names its first problem. So a bad file gets the same one-line
  error either way.

``read_table`` is the same fast path for a file of mentions only, read block by block straight
into a span table (``io.spantable``) for bulk scoring. The header line is told apart from a
prediction by one rule (``is_header``).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Collection, Iterable
from operator import attrgetter
from pathlib import Path
from typing import Annotated, Any

import msgspec
from pydantic import ValidationError

from ..checks import check_prediction, valid_items
from ..limits import document_size_problem, records_within_limits
from ..problems import (
    InputError,
    Problem,
    json_problem,
    pydantic_problems,
    show,
    some_ids,
)
from ..schema import LABELS, PredClaim, Prediction, PredictionsHeader, PredMention
from .jsonl import atomic_writer, dumps_line, loads
from .paths import output_file

HEADER_KEY = "header"


def is_header(obj: object) -> bool:
    """Whether a parsed line is the header line: an object with a ``header`` and no
    ``doc_id`` (a prediction may carry any extra field, ``header`` too)."""
    return isinstance(obj, dict) and HEADER_KEY in obj and "doc_id" not in obj


# --- the located path: every problem of a file, named -------------------------------------------


def load_predictions(path: str | os.PathLike, texts: dict[str, str] | None = None,
                     labels: Collection[str] | None = None) -> tuple[
        PredictionsHeader | None, list[tuple[int, Prediction]], list[Problem]]:
    """Parse and check every line: ``(header, [(line, prediction)], problems)``.

    Lines with schema problems are left out of the predictions, but their valid mentions and
    claims are still checked, so one run reports everything. Lines whose doc_id is in
    ``texts`` are checked against that text; ``labels`` (if given) is the allowed label set.
    """
    path, shown = Path(path), str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [], [Problem(shown, None, None, "no such file", "a predictions JSONL file")]
    except OSError as e:
        return None, [], [Problem(shown, None, None, f"an unreadable file ({e.strerror})",
                                  "a predictions JSONL file")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, [], [Problem(shown, f"byte {e.start}", None, f"byte 0x{raw[e.start]:02x}",
                                  "UTF-8 text")]

    header, predictions, problems = None, [], []
    first_line_of: dict[str, int] = {}
    seen_content = False
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        first, seen_content = not seen_content, True
        try:
            obj = loads(line)
        except json.JSONDecodeError as e:
            problems.append(json_problem(shown, line, e, line=number))
            continue
        if is_header(obj):
            found, problems_here = _header_line(obj, first, shown, number)
            problems += problems_here
            if found is not None:
                header = found
            continue
        doc_id = obj.get("doc_id") if isinstance(obj, dict) else None
        record, text = f"line {number}", None
        if isinstance(doc_id, str) and doc_id:
            record, text = f"line {number} (doc_id {doc_id})", (texts or {}).get(doc_id)
            if doc_id in first_line_of:
                problems.append(Problem(shown, record, "doc_id", show(doc_id),
                                        f"one line per document (line {first_line_of[doc_id]} "
                                        "has this doc_id too)"))
            else:
                first_line_of[doc_id] = number
        if (too_large := document_size_problem(obj, shown, record)) is not None:
            problems.append(too_large)  # not validated item by item: that is what would not end
            continue
        prediction, problems_here = _prediction_line(obj, doc_id, text, shown, record, labels)
        problems += problems_here
        if prediction is not None and first_line_of[doc_id] == number:
            predictions.append((number, prediction))
    return header, predictions, problems


def _header_line(obj: dict, first: bool, shown: str, number: int
                 ) -> tuple[PredictionsHeader | None, list[Problem]]:
    """The header of a header line, or the problems of one (it must be the first line)."""
    record = f"line {number}"
    if not first:
        return None, [Problem(shown, record, HEADER_KEY, "a header line",
                              "the header only on the first line")]
    try:
        return PredictionsHeader.model_validate(obj[HEADER_KEY], strict=True), []
    except ValidationError as e:
        return None, pydantic_problems(shown, e, lambda loc: (record, 0), prefix=(HEADER_KEY,))


def _prediction_line(obj: Any, doc_id: Any, text: str | None, shown: str, record: str,
                     labels: Collection[str] | None) -> tuple[Prediction | None, list[Problem]]:
    """The prediction of one line (None if it fails the schema) and every problem of it: the
    valid mentions and claims of a line that fails are still checked."""
    try:
        prediction = Prediction.model_validate(obj, strict=True)
    except ValidationError as e:
        problems = pydantic_problems(shown, e, lambda loc: (record, 0))
        if isinstance(obj, dict):
            problems += check_prediction(doc_id, valid_items(obj, "mentions", PredMention),
                                         valid_items(obj, "claims", PredClaim), text, shown,
                                         record, labels)
        return None, problems
    return prediction, check_prediction(doc_id, list(enumerate(prediction.mentions)),
                                        list(enumerate(prediction.claims)), text, shown,
                                        record, labels)


def validate_predictions(path: str | os.PathLike, texts: dict[str, str] | None = None,
                         labels: Collection[str] | None = LABELS) -> list[Problem]:
    """Every problem of a predictions file; lines whose doc_id is in ``texts`` are checked
    against that text. ``labels=None`` accepts any label (e.g. before a label mapping)."""
    _, lines, problems = load_predictions(path, texts=texts, labels=labels)
    if problems:
        return problems
    shown = str(path)
    ids = sorted({prediction.doc_id for _, prediction in lines})
    if not ids:  # nothing to score is not "no problems"
        return [Problem(shown, None, None, "no predictions", "at least one line with a doc_id")]
    if texts and not set(ids) & texts.keys():
        return [Problem(shown, None, "doc_id", f"{len(ids)} document(s), none in the corpus "
                        f"({some_ids(ids)})", f"doc_ids of the corpus ({some_ids(texts)})")]
    return []


# --- the fast path: msgspec records -------------------------------------------------------------

NonNegative = Annotated[int, msgspec.Meta(ge=0)]
NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]


class FastMention(msgspec.Struct, frozen=True, gc=False):  # scalars only: no cycles
    """A predicted mention as the fast path reads it: ``PredMention``'s fields (extra fields
    of the line are not kept)."""

    start: NonNegative
    end: NonNegative
    label: NonEmpty
    id: str | None = None
    text: str | None = None
    entity: str | None = None


class FastPrediction(msgspec.Struct):
    """A line as the fast path reads it: ``Prediction``'s fields, claims as ``PredClaim``."""

    doc_id: NonEmpty
    mentions: list[FastMention] = []
    claims: list[Any] = []
    error: str | None = None


_decode_line = msgspec.json.Decoder(FastPrediction).decode
_decode_lines = msgspec.json.Decoder(list[FastPrediction]).decode
_decode_ndjson = msgspec.json.Decoder(FastPrediction).decode_lines
_decode_any = msgspec.json.Decoder().decode
_mention_id = attrgetter("id")
_get_doc_id, _get_claims = attrgetter("doc_id"), attrgetter("claims")
#: what a fast path gives up on (the located path then names the problem)
_REFUSED = (msgspec.DecodeError, msgspec.ValidationError, ValidationError, UnicodeDecodeError,
            RecursionError)  # nested too deep: the located path says where


def _header_of(line: bytes) -> PredictionsHeader | None:
    """The header a (first) line holds, validated, or None when it is no header line (a line
    without the bytes ``"header"`` is not decoded twice). Raises what ``_REFUSED`` lists."""
    if b'"header"' not in line:
        return None
    found = _decode_any(line)
    return PredictionsHeader.model_validate(found[HEADER_KEY], strict=True) \
        if is_header(found) else None


def _may_name(data: bytes, key: bytes) -> bool:
    """Whether some line of ``data`` may hold the field ``key`` (``b'"id"'``): where it may
    not, the field is None in every record, and a pass over them is saved. A key can also be
    spelt with ``\\u`` escapes: any backslash may start one (searched for alone, a single byte
    is found by memchr, twenty times faster than the two bytes ``\\u`` in a file of quotes)."""
    return key in data or b"\\" in data


def _unique_ids(records: list[FastPrediction], data: bytes) -> bool:
    """Whether each line's mention ids, and claim ids, are unique, as ``check_prediction``
    demands (``data``: the records' bytes)."""
    if not _may_name(data, b'"id"'):
        return True
    for record in records:
        for items in (record.mentions, record.claims):
            if len(items) > 1:
                ids = [i for i in map(_mention_id, items) if i is not None]
                if len(set(ids)) != len(ids):
                    return False
    return True


def _new_doc_ids(records: list[FastPrediction], seen: set[str]) -> bool:
    """Whether no record's doc_id is in ``seen`` or twice among them (then all are added)."""
    before = len(seen)
    seen.update(map(_get_doc_id, records))
    return len(seen) == before + len(records)


def read_fast(raw: bytes) -> tuple[PredictionsHeader | None, list[FastPrediction]] | None:
    """The fast path: ``(header or None, records)`` for a well-formed predictions file (its
    bytes), else None (the caller then takes the located path, which names the problem)."""
    lines = [line for line in raw.split(b"\n") if line.strip()]
    try:
        header = _header_of(lines[0]) if lines else None
        if header is not None:
            lines = lines[1:]
        records = [_decode_line(line) for line in lines]
        for record in records:
            if record.claims:
                record.claims = [PredClaim.model_validate(c, strict=True) for c in record.claims]
    except _REFUSED:
        return None
    if not _new_doc_ids(records, set()):
        return None  # a document twice: the located path says where
    if any(m.start >= m.end for record in records for m in record.mentions):
        return None  # an empty or reversed span: the located path names it
    if not records_within_limits(records):
        return None  # past a limit: the located path says so
    return (header, records) if _unique_ids(records, raw) else None


# --- the reader ---------------------------------------------------------------------------------


def read_predictions(path: str | os.PathLike, *, fast: bool = False) -> tuple[
        PredictionsHeader | None, list[Prediction]]:
    """The header (or None) and the predictions of a file.

    Raises ``InputError`` (file, line, field) on the first problem, saying how many there are.
    ``fast=True`` (for scoring) takes the fast path first: the records are then
    ``FastPrediction``s (Prediction's attributes, enough for scoring), and a file it cannot
    take is read the located way, into ``Prediction``s or the error.
    """
    if fast:
        try:
            found = read_fast(Path(path).read_bytes())
        except OSError:
            found = None  # the located path below names the problem
        if found is not None:
            return found
    header, lines, problems = load_predictions(path)
    if problems:
        first = problems[0]
        line = None
        if first.record and first.record.startswith("line "):
            line = int(first.record.split()[1].rstrip(","))
        more = len(problems) - 1
        message = f"found {first.found}, expected {first.expected}"
        if more:
            plural = "s" if more > 1 else ""
            message += f" (and {more} more problem{plural}: ecbench validate {path})"
        raise InputError(first.file, message, line=line, field=first.field)
    return header, [prediction for _, prediction in lines]


# --- the fast path into columns: span tables ----------------------------------------------------

_BLOCK = 8 << 20  # bytes read at a time: the records of one block are alive at once, no more


class TableFile(msgspec.Struct):
    """A predictions-shape file read into a span table (``io.spantable.SpanTable``)."""

    header: PredictionsHeader | None
    table: Any  # SpanTable
    sha256: str


def read_table(path: str | os.PathLike, vocab) -> TableFile | None:
    """A well-formed predictions-shape file with no claims as a ``SpanTable`` (labels and entity
    ids coded by ``vocab``, a ``spantable.Vocab``), read block by block so that only one block's
    records exist at a time; None for anything ``read_fast`` would not take, or claims (the
    caller then reads the file the located way, which names a problem, and scores claims)."""
    # numpy (through spantable) only here: the other readers, and the commands that use
    # them, start without it
    from .spantable import SpanTable

    digest = hashlib.sha256()
    parts, seen, header, first, carry = [], set(), None, True, b""
    try:
        with open(path, "rb") as fh:
            while True:
                block = fh.read(_BLOCK)
                digest.update(block)
                data = carry + block
                if block:
                    cut = data.rfind(b"\n") + 1
                    data, carry = data[:cut], data[cut:]
                # (``isspace``, not ``strip``: no copy of a block to learn it is not blank)
                if first and data and not data.isspace():
                    first = False
                    data = data.lstrip()  # blank lines are skipped, as the located path does
                    line, _, rest = data.partition(b"\n")
                    header = _header_of(line)
                    if header is not None:
                        data = rest
                if data and not data.isspace():
                    records = _decode_block(data)
                    part = None if records is None else _table_part(records, data, vocab, seen)
                    if part is None:
                        return None
                    parts.append(part)
                if not block:
                    break
    except (*_REFUSED, OSError):
        return None
    table = SpanTable.concat(parts) if parts else SpanTable.of({}, vocab)
    return TableFile(header, table, digest.hexdigest())


def _decode_block(data: bytes) -> list[FastPrediction] | None:
    """The records of a block of whole lines, one JSON object per non-blank line (as the located
    path demands), else None."""
    body = data if data.endswith(b"\n") else data + b"\n"
    n = body.count(b"\n")
    if body.startswith(b"{") and body.endswith(b"}\n") and body.count(b"}\n{") == n - 1:
        # every line starts with { and ends with }: no JSON value can span two lines (a break
        # inside one sits next to a comma, colon or bracket), so n records are one per line
        records = _decode_ndjson(body)
    else:  # blank lines, padding, CRLF: line by line
        lines = [line for line in data.split(b"\n") if line.strip()]
        n = len(lines)
        records = _decode_lines(b"[" + b",".join(lines) + b"]")
    return records if len(records) == n else None


def _table_part(records: list[FastPrediction], data: bytes, vocab, seen: set):
    """One block's records as a SpanTable, with ``read_fast``'s checks; None where it gives up."""
    from .spantable import SpanTable  # as in read_table: only for span tables

    if not _new_doc_ids(records, seen):
        return None  # a document twice: the located path says where
    if any(map(_get_claims, records)):
        return None  # claims are scored the usual way
    if not records_within_limits(records):
        return None  # past a limit: the located path says so
    table = SpanTable.of_records(records, vocab, entities=_may_name(data, b'"entity"'))
    if (table.start >= table.end).any():
        return None  # an empty or reversed span: the located path names it
    return table if _unique_ids(records, data) else None


# --- writing ------------------------------------------------------------------------------------


def check_predictions_target(path: str | os.PathLike) -> None:
    """``path`` can take a predictions file: writable, and not some other file (an existing
    file is replaced only if it is empty or a predictions file itself)."""
    path = Path(path)
    output_file(path, "the predictions")
    if path.is_file() and not _looks_like_predictions(path):
        raise InputError(path, "exists and is not a predictions file (its first line is not a "
                         "header or a prediction); remove it or choose another --out")


def _looks_like_predictions(path: Path) -> bool:
    """Whether a file's first non-blank line is a header or a prediction (or it is empty)."""
    try:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    obj = loads(line)
                    return is_header(obj) or (isinstance(obj, dict) and "doc_id" in obj)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return True  # empty


def write_predictions(path: str | os.PathLike, predictions: Iterable[Prediction],
                      header: PredictionsHeader | None = None) -> None:
    """Write a predictions file atomically; unset optional fields are left out."""
    with atomic_writer(path) as fh:
        if header is not None:
            fh.write(dumps_line({HEADER_KEY: header.model_dump(mode="json", by_alias=True)}))
        for prediction in predictions:
            fh.write(dumps_line(prediction.model_dump(mode="json", by_alias=True,
                                                      exclude_none=True)))
