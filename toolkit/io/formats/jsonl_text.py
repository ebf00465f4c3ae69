"""JSONL with the text: one JSON object per line holding a document's ``text`` and, optionally,
its mentions, as many annotation tools and LLM pipelines write them.

A record: ``{"doc_id" or "id": ..., "text": "...", "mentions": [...], "claims": [...]}``.

- id: ``doc_id``, else ``id`` (a string, or an integer kept as a string), else the file stem
  and the record's position from 1 (``preds-0001``; the source is then positional).
- mentions: the first of ``MENTION_KEYS`` present (``mentions``; ``spans``, as Prodigy
  writes; ``entities``); each item is ``{"start", "end", "label"}`` (a ``text`` there must equal
  the slice; an ``entity`` key is the mention's entity), ``[start, end, label]``, or
  ``{"text", "label"}`` with no offsets, placed by the rule every reader of mentions given by
  text uses (``io.align.place_strings``; docs/scoring.md); those with no place are listed in
  the read's ``placement`` and scored as spurious predictions.
- claims: ``schema.PredClaim`` records (a span or a statement), spans checked against the text.
- a record with an ``answer`` other than ``accept`` (Prodigy's reject and ignore) is not a
  document of the file: left out, counted in a note.

Every value is checked against the text; the first problem is one located error (file, line,
field). A first line ``{"header": ...}`` (an ecbench predictions header) is skipped, said so.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ...problems import InputError, pydantic_problems, show
from ...schema import PredClaim
from ..align import Placement, Unplaced, place_strings, unplaced_reason
from ..jsonl import first_json_record, iter_jsonl
from . import (
    FormatDocument,
    FormatMention,
    FormatOptions,
    FormatRead,
    check_span,
    doccano,
    file_source,
    located,
    positional_id,
)

NAME = "jsonl"
SUFFIXES = (".jsonl", ".ndjson")
MENTION_KEYS = ("mentions", "spans", "entities")
ID_KEYS = ("doc_id", "id")


def detect(path: Path) -> bool:
    """A ``.jsonl`` file whose first record is an object with a ``text`` string (and is not
    a Doccano record or a predictions header)."""
    if not (path.is_file() and path.suffix.lower() in SUFFIXES):
        return False
    record = first_json_record(path)
    return (isinstance(record, dict) and isinstance(record.get("text"), str)
            and not doccano.detect(path))


# --- reading -----------------------------------------------------------------------------------


def read(path: Path, options: FormatOptions | None = None) -> FormatRead:
    """Every record of the file as a document."""
    options = options or FormatOptions()
    documents: list[FormatDocument] = []
    seen: dict[str, int] = {}
    tally: Counter = Counter()
    placement = Placement()
    index = -1
    for line, record in iter_jsonl(path):
        if index < 0 and isinstance(record, dict) and set(record) == {"header"}:
            tally["header"] += 1
            continue
        index += 1
        if not isinstance(record, dict):
            raise InputError(path, f"found {type(record).__name__}, expected a JSON object with "
                             "a text", line=line)
        answer = record.get("answer", "accept")
        if answer != "accept":
            tally[f"answer {answer}"] += 1
            continue
        document = _document(path, line, record, index, tally, placement)
        if document.id in seen:
            raise InputError(path, f"found {document.id!r} again (line {seen[document.id]}), "
                             "expected one record per document", line=line,
                             field=next((k for k in ID_KEYS if k in record), "id"))
        seen[document.id] = line
        documents.append(document)
    return FormatRead(NAME, documents, _notes(path, tally), file_source(path, NAME),
                      positional=tally["positional"] > 0,
                      produces=("mentions", "claims") if tally["claims"] else ("mentions",),
                      placement=placement if placement.mentions else None)


def _document(path: Path, line: int, record: dict, index: int, tally: Counter,
              placement: Placement) -> FormatDocument:
    """One record: its id, text, mentions (placed where given by text only, what was done
    added to ``placement``) and claims."""
    text = record.get("text")
    if not isinstance(text, str):
        raise InputError(path, f"found {show(text)}, expected the document's text (a string)",
                         line=line, field="text")
    doc_id = _doc_id(path, line, record, index)
    tally["positional"] += not any(key in record for key in ID_KEYS)
    tally["claims"] += "claims" in record
    keys = [k for k in MENTION_KEYS if k in record]
    if len(keys) > 1:
        tally[f"{', '.join(keys[1:])} beside {keys[0]}"] += 1
    key = keys[0] if keys else None
    items = record.get(key, []) if key else []
    if not isinstance(items, list):
        raise InputError(path, f"found {type(items).__name__}, expected a list of mentions",
                         line=line, field=key)
    read = [_mention(path, line, f"{key}[{k}]", item, text) for k, item in enumerate(items)]
    quoted = [quote for _, quote in read if quote is not None]
    places = iter(place_strings(text, [value for value, _ in quoted],
                                [(m.start, m.end) for m, _ in read if m is not None]))
    mentions: list[FormatMention] = []
    for k, (mention, quote) in enumerate(read):  # in the file's order
        if quote is not None:
            place = next(places)
            if place is None:
                placement.unplaced.append(Unplaced(doc_id, k, quote[0], quote[1], None,
                                                   unplaced_reason(text, quote[0])))
                continue
            if place.method == "exact":
                placement.exact += 1
            else:
                placement.normalized += 1
            mention = FormatMention(place.start, place.end, quote[1], None,
                                    f"line {line}: {key}[{k}]")
        mentions.append(mention)
    return FormatDocument(id=doc_id, text=text, mentions=mentions,
                          claims=_claims(path, line, record.get("claims"), text),
                          file=str(path), where=f"line {line}")


def _doc_id(path: Path, line: int, record: dict, index: int) -> str:
    """The record's ``doc_id`` or ``id``, else its position."""
    for key in ID_KEYS:
        if key in record:
            value = record[key]
            if isinstance(value, int) and not isinstance(value, bool):
                return str(value)
            if not isinstance(value, str) or not value.strip():
                raise InputError(path, f"found {show(value)}, expected a non-empty string or "
                                 "an integer", line=line, field=key)
            return value
    return positional_id(path, index + 1)


def _mention(path: Path, line: int, field: str, item: Any, text: str
             ) -> tuple[FormatMention | None, tuple[str, str] | None]:
    """One mention item: ``(mention, None)`` when it has offsets (checked), or
    ``(None, (text, label))`` when it has only its text."""
    if isinstance(item, list) and len(item) == 3:
        item = dict(zip(("start", "end", "label"), item))
    if not isinstance(item, dict):
        raise InputError(path, f"found {show(item)}, expected an object with start, end and "
                         "label (or text and label), or [start, end, label]", line=line,
                         field=field)
    label = item.get("label")
    if not isinstance(label, str) or not label:
        raise InputError(path, f"found {show(label)}, expected a label (a non-empty string)",
                         line=line, field=f"{field}.label")
    entity = item.get("entity")
    if entity is not None and not isinstance(entity, str):
        raise InputError(path, f"found {show(entity)}, expected an entity key (a string)",
                         line=line, field=f"{field}.entity")
    if "start" not in item and "end" not in item:
        value = item.get("text")
        if not isinstance(value, str) or not value.strip():
            raise InputError(path, f"found {show(value)}, expected start and end, or the "
                             "mention's text", line=line, field=f"{field}.text")
        return None, (value, label)
    start, end = item.get("start"), item.get("end")
    for name, offset in (("start", start), ("end", end)):
        if not isinstance(offset, int) or isinstance(offset, bool):
            raise InputError(path, f"found {show(offset)}, expected an offset (an integer)",
                             line=line, field=f"{field}.{name}")
    value = item.get("text")
    if value is not None and not isinstance(value, str):
        raise InputError(path, f"found {show(value)}, expected the mention's text (a string)",
                         line=line, field=f"{field}.text")
    check_span(str(path), "", start, end, text, value, line=line, field=field)
    return FormatMention(start, end, label, entity, f"line {line}: {field}"), None


def _claims(path: Path, line: int, raw: Any, text: str) -> list[PredClaim]:
    """The record's claims, validated and their spans checked against the text."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise InputError(path, f"found {type(raw).__name__}, expected a list of claims",
                         line=line, field="claims")
    claims = []
    for k, item in enumerate(raw):
        try:
            claim = PredClaim.model_validate(item)
        except ValidationError as e:
            raise located(pydantic_problems(str(path), e, prefix=("claims", k))[0], line) \
                from None
        for name, span in (("span", claim.span), ("cue", claim.cue)):
            if span is not None:
                check_span(str(path), "", span.start, span.end, text, span.text, line=line,
                           field=f"claims[{k}].{name}")
        claims.append(claim)
    return claims


def _notes(path: Path, tally: Counter) -> list[str]:
    """What the read left out or decided, one line each."""
    notes = []
    if tally["header"]:
        notes.append(f"{path}: the header line was skipped")
    skipped = {k: n for k, n in tally.items() if k.startswith("answer ")}
    if skipped:
        shown = ", ".join(f"{n} with {k}" for k, n in sorted(skipped.items()))
        notes.append(f"{path}: records not accepted left out: {shown}")
    for what, n in tally.items():
        if " beside " in what:
            notes.append(f"{path}: {n} records have {what}: only {what.rsplit(' ', 1)[1]} read")
    return notes
