"""Doccano sequence-labelling JSONL to gold.

Each line is ``{"text": ..., "label": [[start, end, "LABEL"], ...]}`` (Doccano's JSONL export)
or ``{"text": ..., "entities": [{"id", "start_offset", "end_offset", "label"}, ...]}`` (its
relation-project export). Doccano has no entities or claims, so each mention becomes its own
entity (id ``ent_<mention id>``, name = its text, type = its label) and ``claims`` is empty.
Mention ids are ``m1``, ``m2``... in offset order. The document id is the line's ``doc_id``,
else ``doccano_<id>``, else ``doccano_<line number>``.
"""

from __future__ import annotations

from typing import Any

from ..jsonl import InputError
from ..schema import LABELS, DocumentGold
from . import check_gold


def _spans(file, line: int, record: dict) -> list[tuple[int, int, str]]:
    if "label" in record:
        raw = record["label"]
        if not isinstance(raw, list) or not all(isinstance(x, list) and len(x) == 3 for x in raw):
            raise InputError(file, f"found {raw!r}, expected a list of [start, end, label]",
                             line=line, field="label")
        return [(x[0], x[1], x[2]) for x in raw]
    if "entities" in record:
        try:
            return [(e["start_offset"], e["end_offset"], e["label"]) for e in record["entities"]]
        except (KeyError, TypeError):
            raise InputError(file, "expected a list of {start_offset, end_offset, label}",
                             line=line, field="entities") from None
    raise InputError(file, "missing; expected 'label' (or 'entities') with the spans", line=line,
                     field="label")


def record_to_gold(record: Any, line: int, file="<doccano>") -> tuple[str, DocumentGold]:
    """``(text, gold)`` from one Doccano JSONL record."""
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        raise InputError(file, "missing; expected the document text", line=line, field="text")
    text = record["text"]
    doc_id = str(record.get("doc_id") or
                 (f"doccano_{record['id']}" if record.get("id") is not None else f"doccano_{line}"))
    mentions, entities = [], []
    for n, (start, end, label) in enumerate(sorted(_spans(file, line, record)), start=1):
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            raise InputError(file, f"found [{start}, {end}], expected 0 <= start < end <= {len(text)}",
                             line=line, field=f"label {n}")
        if label not in LABELS:
            raise InputError(file, f"found label {label!r} at [{start}:{end}], expected one of "
                                   f"{', '.join(LABELS)}", line=line, field=f"label {n}")
        mention_id = f"m{n}"
        mentions.append({"id": mention_id, "start": start, "end": end, "label": label,
                         "text": text[start:end], "entity": f"ent_{mention_id}"})
        entities.append({"id": f"ent_{mention_id}", "name": text[start:end], "type": label})
    gold = DocumentGold(doc_id=doc_id, mentions=mentions, entities=entities, claims=[])
    check_gold(file, f"line {line} ({doc_id})", text, gold)
    return text, gold


def read_doccano(path) -> list[tuple[str, DocumentGold]]:
    """Every line of a Doccano JSONL file as ``(text, gold)``; ids must be unique."""
    from ..jsonl import iter_jsonl

    out, seen = [], {}
    for line, record in iter_jsonl(path):
        text, gold = record_to_gold(record, line, path)
        if gold.doc_id in seen:
            raise InputError(path, f"found {gold.doc_id!r} again (line {seen[gold.doc_id]}), "
                                   "expected unique document ids", line=line, field="doc_id")
        seen[gold.doc_id] = line
        out.append((text, gold))
    return out
