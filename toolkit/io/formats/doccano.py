"""Doccano sequence-labelling exports read as gold.

Each line is ``{"text": ..., "label": [[start, end, "LABEL"], ...]}`` (Doccano's JSONL export;
``labels`` in versions before 1.x) or ``{"text": ..., "entities": [{"id", "start_offset",
"end_offset", "label"}, ...]}`` (its relation-project export). A file that is one JSON array of
such records (Doccano's JSON export) is read too; its records are numbered from 1. Doccano has no entities or claims, so each mention becomes its own
entity (id ``ent_<mention id>``, name = its text, type = its label) and ``claims`` is empty.
Mention ids are ``m1``, ``m2``... in offset order. The document id is the line's ``doc_id``,
else ``doccano_<id>``, else ``doccano_<line number>``.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from ...checks import trimmed
from ...problems import ImportChangeWarning, InputError
from ...schema import LABELS, DocumentGold
from ..jsonl import first_json_record, iter_jsonl, read_json
from . import (
    FormatOptions,
    FormatRead,
    file_source,
    gold_document,
)
from .imported import changes_noted, check_doc_id, check_gold, trim_imported

NAME = "doccano"


def _spans(file, line: int, record: dict) -> list[tuple[int, int, str]]:
    key = "label" if "label" in record else "labels"  # "labels": Doccano before 1.x
    if key in record:
        raw = record[key]
        if not isinstance(raw, list) or not all(isinstance(x, list) and len(x) == 3 for x in raw):
            raise InputError(file, f"found {raw!r}, expected a list of [start, end, label]",
                             line=line, field=key)
        return [(x[0], x[1], x[2]) for x in raw]
    if "entities" in record:
        try:
            return [(e["start_offset"], e["end_offset"], e["label"]) for e in record["entities"]]
        except (KeyError, TypeError):
            raise InputError(file, "expected a list of {start_offset, end_offset, label}",
                             line=line, field="entities") from None
    raise InputError(file, "missing; expected 'label' (or 'entities') with the spans", line=line,
                     field="label")


OFFSETS = ("auto", "codepoints", "utf16")


def _unit_to_codepoint(text: str) -> dict[int, int]:
    """UTF-16 code unit offset -> code point offset, for offsets between whole characters."""
    table, units = {0: 0}, 0
    for i, ch in enumerate(text, start=1):
        units += 2 if ord(ch) > 0xFFFF else 1
        table[units] = i
    return table


def _clean(text: str, start: int, end: int) -> bool:
    """A span a person would select, once outer whitespace is trimmed: not starting or ending
    inside a word."""
    if not 0 <= start < end <= len(text):
        return False
    start, end = trimmed(text, start, end)
    if start == end:
        return False
    inside = (start > 0 and text[start - 1].isalnum() and text[start].isalnum()) or \
             (end < len(text) and text[end - 1].isalnum() and text[end].isalnum())
    return not inside


def _as_codepoints(file, line: int, text: str, spans: list, offsets: str) -> list:
    """The spans with code point offsets.

    Doccano's browser side counts UTF-16 code units, so after an emoji (or any character
    outside the Basic Multilingual Plane) its offsets run ahead of Python's. With ``auto``, when
    the two readings differ, the one under which every span is whole words is taken (the
    UTF-16 one with a warning); when both or neither are, the import is refused rather than
    guessed (``--offsets`` decides).
    """
    if offsets == "codepoints" or all(ord(ch) <= 0xFFFF for ch in text):
        return spans
    table = _unit_to_codepoint(text)
    converted = [(table.get(s, -1) if isinstance(s, int) else s,
                  table.get(e, -1) if isinstance(e, int) else e, label) for s, e, label in spans]
    if offsets == "utf16" or converted == spans:
        return converted
    if not all(isinstance(s, int) and isinstance(e, int) for s, e, _ in spans):
        return spans  # reported, located, by the caller's checks
    clean_cp = all(_clean(text, s, e) for s, e, _ in spans)
    clean_16 = all(_clean(text, s, e) for s, e, _ in converted)
    if clean_cp and not clean_16:
        return spans
    if clean_16 and not clean_cp:
        warnings.warn(ImportChangeWarning(
            f"{file}:{line}: offsets read as UTF-16 code units (the text has characters outside "
            "the Basic Multilingual Plane, and only that reading gives whole-word spans); "
            "pass --offsets codepoints to read them as they are"), stacklevel=2)
        return converted
    both = "both" if clean_cp else "neither"
    raise InputError(file, "the text has characters outside the Basic Multilingual Plane, and "
                           f"{both} reading of the offsets (code points, UTF-16 code units) gives "
                           "whole-word spans; expected --offsets codepoints or --offsets utf16 to "
                           "say which", line=line, field="label")


def _order(span: tuple) -> tuple:
    # offsets of the wrong type are reported in the loop; sort them last instead of failing here
    s, e, _ = span
    return (0, s, e) if isinstance(s, int) and isinstance(e, int) else (1, 0, 0)


def record_to_gold(record: Any, line: int, file="<doccano>", offsets: str = "auto",
                   label_map: dict[str, str | None] | None = None) -> tuple[str, DocumentGold]:
    """``(text, gold)`` from one Doccano JSONL record (``offsets``: see ``_as_codepoints``;
    ``label_map``: the tool's labels to OntoNotes, ``None`` drops, as ``score --label-map``)."""
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        raise InputError(file, "missing; expected the document text", line=line, field="text")
    text = record["text"]
    doc_id = check_doc_id(f"{file}:{line}", "record", str(
        record.get("doc_id") or
        (f"doccano_{record['id']}" if record.get("id") is not None else f"doccano_{line}")))
    mentions, entities = [], []
    spans = _as_codepoints(file, line, text, _spans(file, line, record), offsets)
    if label_map:
        spans = [(s, e, label_map.get(lab, lab)) for s, e, lab in spans
                 if label_map.get(lab, lab) is not None]
    for n, (start, end, label) in enumerate(sorted(spans, key=_order), start=1):
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            raise InputError(file, f"found [{start}, {end}], expected 0 <= start < end <= {len(text)}",
                             line=line, field=f"label {n}")
        start, end = trim_imported(f"{file}:{line}", f"label {n}", text, start, end)
        if label not in LABELS:
            raise InputError(file, f"found label {label!r} at [{start}:{end}], expected one of "
                                   f"{', '.join(LABELS)} (or map it with --label-map "
                                   f"{label}=OntoNotes_LABEL)", line=line, field=f"label {n}")
        mention_id = f"m{n}"
        mentions.append({"id": mention_id, "start": start, "end": end, "label": label,
                         "text": text[start:end], "entity": f"ent_{mention_id}"})
        entities.append({"id": f"ent_{mention_id}", "name": text[start:end], "type": label})
    gold = DocumentGold(doc_id=doc_id, mentions=mentions, entities=entities, claims=[])
    check_gold(file, f"line {line} ({doc_id})", text, gold)
    return text, gold


def _records(path) -> list[tuple[int, Any]]:
    """``(line or record number, record)``: JSONL (one record a line, numbered by line) or a
    JSON array (Doccano's JSON export, numbered from 1 by position)."""
    try:
        with Path(path).open("rb") as fh:
            first = fh.read(4096).lstrip()[:1]
    except FileNotFoundError:
        raise InputError(path, "file not found") from None
    if first != b"[":
        return list(iter_jsonl(path))
    records = read_json(path)
    return list(enumerate(records, start=1))


def read_doccano(path, offsets: str = "auto",
                 label_map: dict[str, str | None] | None = None) -> list[tuple[str, DocumentGold]]:
    """Every line of a Doccano JSONL file as ``(text, gold)``; ids must be unique."""
    out, seen = [], {}
    for line, record in _records(path):
        text, gold = record_to_gold(record, line, path, offsets, label_map)
        if gold.doc_id in seen:
            raise InputError(path, f"found {gold.doc_id!r} again (line {seen[gold.doc_id]}), "
                                   "expected unique document ids", line=line, field="doc_id")
        seen[gold.doc_id] = line
        out.append((text, gold))
    return out


def detect(path: Path) -> bool:
    """A ``.jsonl`` or ``.json`` file whose first record has a ``text`` and Doccano's spans:
    ``label`` (or ``labels``) as ``[start, end, label]`` lists, or ``entities`` with
    ``start_offset``."""
    if not (path.is_file() and path.suffix.lower() in (".jsonl", ".json", ".ndjson")):
        return False
    record = first_json_record(path)
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return False
    for key in ("label", "labels"):
        if isinstance(record.get(key), list):
            return all(isinstance(x, list) and len(x) == 3 for x in record[key])
    entities = record.get("entities")
    return (isinstance(entities, list) and bool(entities)
            and all(isinstance(e, dict) and "start_offset" in e for e in entities))


def read(path: Path, options: FormatOptions | None = None) -> FormatRead:
    """Every record of the file as a document carrying its gold (``options.offsets`` and
    ``options.label_map`` as ``read_doccano``'s)."""
    options = options or FormatOptions()
    notes: list[str] = []
    pairs = changes_noted(lambda: read_doccano(path, options.offsets, options.label_map), notes)
    documents = [gold_document(text, gold, file=str(path)) for text, gold in pairs]
    return FormatRead(NAME, documents, notes, file_source(path, NAME))
