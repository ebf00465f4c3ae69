"""Predictions files: JSONL, one Prediction per document, optionally a header line first.

::

    {"header": {"schema": "ecbench.predictions/v1", "produces": ["mentions"], "provenance": {...}}}
    {"doc_id": "000_7dc57cc10984332c", "mentions": [{"start": 0, "end": 6, "label": "GPE"}], "claims": []}

This is how any system, in any language, gets scored: write this file, run ``ecbench score``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection, Iterable
from pathlib import Path

from pydantic import ValidationError

from ..checks import check_prediction, valid_items
from ..problems import InputError, Problem, json_problem, pydantic_problems, show, some_ids
from ..schema import LABELS, PredClaim, PredictionsHeader, PredMention, Prediction
from .jsonl import atomic_writer, dumps_line

HEADER_KEY = "header"


def _is_header(obj: object) -> bool:
    return isinstance(obj, dict) and HEADER_KEY in obj and "doc_id" not in obj


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
        record = f"line {number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append(json_problem(shown, line, e, line=number))
            continue

        if _is_header(obj):
            if not first:
                problems.append(Problem(shown, record, HEADER_KEY, "a header line",
                                        "the header only on the first line"))
                continue
            try:
                header = PredictionsHeader.model_validate(obj[HEADER_KEY], strict=True)
            except ValidationError as e:
                problems += pydantic_problems(shown, e, lambda loc, r=record: (r, 0),
                                              prefix=(HEADER_KEY,))
            continue

        doc_id = obj.get("doc_id") if isinstance(obj, dict) else None
        if isinstance(doc_id, str) and doc_id:
            record = f"line {number} (doc_id {doc_id})"
            if doc_id in first_line_of:
                problems.append(Problem(shown, record, "doc_id", show(doc_id),
                                        f"one line per document (line {first_line_of[doc_id]} "
                                        "has this doc_id too)"))
            else:
                first_line_of[doc_id] = number
        try:
            prediction = Prediction.model_validate(obj, strict=True)
        except ValidationError as e:
            problems += pydantic_problems(shown, e, lambda loc, r=record: (r, 0))
            if isinstance(obj, dict):
                problems += check_prediction(
                    doc_id, valid_items(obj, "mentions", PredMention),
                    valid_items(obj, "claims", PredClaim), (texts or {}).get(doc_id), shown,
                    record, labels)
            continue
        problems += check_prediction(doc_id, list(enumerate(prediction.mentions)),
                                     list(enumerate(prediction.claims)),
                                     (texts or {}).get(doc_id), shown, record, labels)
        if first_line_of[doc_id] == number:
            predictions.append((number, prediction))
    return header, predictions, problems


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



def read_predictions(path: str | os.PathLike, *, fast: bool = False) -> tuple[
        PredictionsHeader | None, list[Prediction]]:
    """The header (or None) and the predictions of a file.

    Raises ``InputError`` (file, line, field) on the first problem, saying how many there are.
    ``fast=True`` tries msgspec first (``fastread``): the records are then light stand-ins with
    Prediction's attributes (enough for scoring), and a file it cannot take is read this way.
    """
    if fast:
        from .fastread import read_fast

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


def check_predictions_target(path: str | os.PathLike) -> None:
    """``path`` can take a predictions file: writable, and not some other file (an existing
    file is replaced only if it is empty or a predictions file itself)."""
    from .paths import output_file

    path = Path(path)
    output_file(path, "the predictions")
    if path.is_file() and not _looks_like_predictions(path):
        raise InputError(path, "exists and is not a predictions file (its first line is not a "
                         "header or a prediction); remove it or choose another --out")


def _looks_like_predictions(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    obj = json.loads(line)
                    return _is_header(obj) or (isinstance(obj, dict) and "doc_id" in obj)
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
