"""Label Studio exports read as gold: JSON (a list of tasks) or ``JSON_MIN``.

The conventions are those of ecbench's labelling config (``export.labelstudio.LABEL_CONFIG``,
which writes tasks back):

- mention: a ``labels`` region of control ``label`` (OntoNotes label); region id = mention id.
  Its entity id is the per-region text area ``entity``; a mention without one becomes its own
  entity (id ``ent_<mention id>``, name = its text, type = its label). An entity id that is
  not in ``data.entities`` is created the same way from its first mention.
- claim: a ``labels`` region of control ``claim`` (claim type); region id = claim id.
  Per-region ``statement`` and ``claimant`` text areas (``author`` for the article's voice),
  ``entities`` text area (one entity id per line) and ``checkworthy`` choice (``yes``/``no``).
  The attribution cue is a ``labels`` region of control ``cue``, linked to its claim by a
  relation (cue -> claim).
- ``JSON_MIN`` exports (mentions only) are read too: see ``from_json_min``.
- which result list: the task's single non-cancelled annotation; with none, its prediction
  (so a file straight from the export imports back); with several, an error naming the task.
- document id: ``data.doc_id``, else ``labelstudio_<task id>``, else ``labelstudio_<index>``.

Offsets are Python code points; a region whose text only matches when its offsets are read as
UTF-16 code units (as some Label Studio versions write after emoji) is converted. Labels must
be OntoNotes labels (``options.label_map`` maps others, a ``None`` value drops them); each
change made on the way in (a span trimmed, offsets converted) is a note.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ...problems import InputError
from ...schema import DocumentGold
from ..jsonl import first_json_record, read_json
from . import (
    FormatOptions,
    FormatRead,
    file_source,
    gold_document,
)
from .imported import changes_noted, check_doc_id, check_gold, trim_imported

NAME = "label-studio"
#: the labelling config's controls: mentions, claims, attribution cues
MENTION, CLAIM, CUE = "label", "claim", "cue"
#: fields Label Studio writes into every JSON_MIN record
JSON_MIN_FIELDS = frozenset({"annotator", "annotation_id", "created_at", "updated_at",
                             "lead_time"})


def detect(path: Path) -> bool:
    """A ``.json`` file holding a list whose first record is a Label Studio task (``data``
    with a ``text``, and ``annotations`` or ``predictions``) or a ``JSON_MIN`` record (a
    ``text`` and a ``label`` list of regions)."""
    if not (path.is_file() and path.suffix.lower() == ".json"):
        return False
    record = first_json_record(path, array_only=True)
    if not isinstance(record, dict):
        return False
    data = record.get("data")
    if isinstance(data, dict):
        return isinstance(data.get("text"), str) and ("annotations" in record
                                                       or "predictions" in record)
    # JSON_MIN: the data fields and each control's regions at the top level; told apart from
    # a Doccano record (``label``: [start, end, label] lists) by its regions, or, with none, by
    # the fields Label Studio adds to every record
    regions = record.get(MENTION)
    if not (isinstance(record.get("text"), str) and isinstance(regions, list)):
        return False
    if regions:
        return all(isinstance(r, dict) and "labels" in r for r in regions)
    return bool(JSON_MIN_FIELDS & set(record))


def read(path: Path, options: FormatOptions | None = None) -> FormatRead:
    """Every task of the file as a document carrying its gold."""
    options = options or FormatOptions()
    notes: list[str] = []
    pairs = changes_noted(lambda: tasks_to_gold(read_json(path), path, options.label_map), notes)
    documents = [gold_document(text, gold, file=str(path), where=f"task {index}")
                 for index, (text, gold) in enumerate(pairs)]
    return FormatRead(NAME, documents, notes, file_source(path, NAME),
                      produces=("mentions", "claims"))



def _utf16_to_codepoints(text: str, offset: int) -> int:
    units = 0
    for i, ch in enumerate(text):
        if units >= offset:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


def _offsets(file, where: str, text: str, value: dict) -> tuple[int, int, str]:
    """Checked ``(start, end, text)`` of a region value, converting UTF-16 offsets if needed."""
    try:
        start, end, found = int(value["start"]), int(value["end"]), value.get("text")
    except (KeyError, TypeError, ValueError):
        raise InputError(file, f"{where}: value: found {value!r}, expected start and end offsets") from None
    s16, e16 = _utf16_to_codepoints(text, start), _utf16_to_codepoints(text, end)
    if found is not None and text[start:end] != found and text[s16:e16] == found:
        start, end = s16, e16
    elif found is not None and text[start:end] != found:
        raise InputError(file, f"{where}: text: found {found!r}, but the task text at [{start}:{end}] "
                           f"is {text[start:end]!r}; expected the region text to match its offsets")
    if not 0 <= start < end <= len(text):
        raise InputError(file, f"{where}: value: found [{start}:{end}], expected "
                               f"0 <= start < end <= {len(text)}")
    start, end = trim_imported(file, where, text, start, end)
    return start, end, text[start:end]


def _pick_result(file, task: dict, where: str) -> list[dict]:
    annotations = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
    if len(annotations) > 1:
        raise InputError(file, f"{where}: annotations: found {len(annotations)} non-cancelled "
                               "annotations, expected one (keep one per task before importing)")
    chosen = annotations or task.get("predictions") or []
    if not chosen:
        raise InputError(file, f"{where}: found no annotations or predictions, expected one")
    result = chosen[0].get("result")
    if not isinstance(result, list):
        raise InputError(file, f"{where}: result: found {type(result).__name__}, expected a list")
    return result


def task_name(task: Any, index: int) -> str:
    """How a message names a task: by the id Label Studio gave it (``task 100``), else by its
    position in the export's list (``task [0]``).

    >>> task_name({"id": 100, "data": {}}, 0), task_name({"data": {}}, 3)
    ('task 100', 'task [3]')
    """
    task_id = task.get("id") if isinstance(task, dict) else None
    return f"task {task_id}" if isinstance(task_id, (int, str)) and task_id != "" else f"task [{index}]"


def task_to_gold(task: Any, index: int, file="<tasks>",
                 label_map: dict[str, str | None] | None = None) -> tuple[str, DocumentGold]:
    """``(text, gold)`` from one Label Studio task (see the module docstring). ``label_map``
    maps mention labels to OntoNotes (``None`` drops the mention), as ``score --label-map``."""
    where = task_name(task, index)
    data = task.get("data") if isinstance(task, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise InputError(file, f"{where}: data.text: missing, expected the document text")
    text = data["text"]
    doc_id = check_doc_id(file, where, str(data.get("doc_id") or f"labelstudio_{task.get('id', index)}"))
    where = f"{task_name(task, index)} ({doc_id})"
    regions, extras, cue_of = _regions(file, where, text, _pick_result(file, task, where))
    mentions, entities = _mentions(regions, extras, data.get("entities") or [], label_map)
    claims = _claims(file, regions, extras, cue_of)
    try:
        gold = DocumentGold(doc_id=doc_id, mentions=mentions, entities=entities, claims=claims)
    except ValidationError as e:
        err = e.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        raise InputError(file, f"{where}: {field}: found {err.get('input')!r}, {err['msg']}") from None
    check_gold(file, where, text, gold)
    return text, gold


def _regions(file, where: str, text: str, result: list[dict]):
    """The result's labelled regions (region id -> control, checked offsets, text, label and
    where it is), the per-region fields (region id -> control -> values) and the claim -> cue
    relations (claim region id -> cue region id)."""
    regions: dict[str, dict] = {}
    extras: dict[str, dict[str, Any]] = {}
    cue_of: dict[str, str] = {}
    for n, item in enumerate(result):
        at = f"{where}: result {n}"
        if item.get("type") == "relation":
            cue_of[item.get("to_id")] = item.get("from_id")
            continue
        rid, control, value = item.get("id"), item.get("from_name"), item.get("value") or {}
        if not rid:
            raise InputError(file, f"{at}: id: missing, expected the region id")
        if item.get("type") == "labels":
            labels = value.get("labels") or []
            if control not in (MENTION, CLAIM, CUE) or len(labels) != 1:
                raise InputError(file, f"{at}: found control {control!r} with labels {labels}, "
                                       f"expected one label of control {MENTION!r}, {CLAIM!r} or {CUE!r}")
            start, end, span_text = _offsets(file, at, text, value)
            regions[rid] = {"control": control, "start": start, "end": end, "text": span_text,
                            "label": labels[0], "at": at}
        elif item.get("type") == "textarea":
            extras.setdefault(rid, {})[control] = [t for t in value.get("text", []) if t.strip()]
        elif item.get("type") == "choices":
            extras.setdefault(rid, {})[control] = value.get("choices", [])
        else:
            raise InputError(file, f"{at}: type: found {item.get('type')!r}, expected labels, "
                                   "textarea, choices or relation")
    return regions, extras, cue_of


def _mentions(regions: dict, extras: dict, known: list[dict],
              label_map: dict[str, str | None] | None) -> tuple[list[dict], list[dict]]:
    """The mention regions as gold mentions (labels mapped) and the entities: those the task's
    data names, then one per entity a mention gives (its own when it gives none)."""
    entities = {e["id"]: e for e in known}
    mentions = []
    for rid, r in regions.items():
        if r["control"] != MENTION:
            continue
        if label_map and r["label"] in label_map:
            if label_map[r["label"]] is None:
                continue
            r["label"] = label_map[r["label"]]
        entity = (extras.get(rid, {}).get("entity") or [None])[0]
        entity = entity.strip() if entity else f"ent_{rid}"
        entities.setdefault(entity, {"id": entity, "name": r["text"], "type": r["label"]})
        mentions.append({"id": rid, "start": r["start"], "end": r["end"], "label": r["label"],
                         "text": r["text"], "entity": entity})
    return mentions, list(entities.values())


def _claims(file, regions: dict, extras: dict, cue_of: dict) -> list[dict]:
    """The claim regions as gold claims, with their per-region fields and cue."""
    claims = []
    for rid, r in regions.items():
        if r["control"] != CLAIM:
            continue
        attrs = extras.get(rid, {})
        for needed in ("statement", "claimant", "checkworthy"):
            if not attrs.get(needed):
                raise InputError(file, f"{r['at']}: claim {rid}: {needed}: missing, expected the "
                                       f"per-region {needed!r} control to be filled in")
        if attrs["checkworthy"][0] not in ("yes", "no"):
            raise InputError(file, f"{r['at']}: claim {rid}: checkworthy: found "
                                   f"{attrs['checkworthy'][0]!r}, expected 'yes' or 'no'")
        cue = regions.get(cue_of.get(rid, ""))
        claims.append({
            "id": rid, "span": {"start": r["start"], "end": r["end"], "text": r["text"]},
            "statement": attrs["statement"][0], "claimant": attrs["claimant"][0].strip(),
            "cue": {k: cue[k] for k in ("start", "end", "text")} if cue else None,
            "type": r["label"], "checkworthy": attrs["checkworthy"][0] == "yes",
            "entities": [e.strip() for e in attrs.get("entities", [])],
        })
    return claims


def from_json_min(record: Any, index: int, file="<tasks>") -> Any:
    """A Label Studio ``JSON_MIN`` record as a full task, so one reader handles both.

    ``JSON_MIN`` puts the data fields at the top level and each control's regions under the
    control's name, without region ids or per-region fields: mentions (control ``label``)
    come through, each its own entity; claims cannot (their statement, claimant and
    check-worthiness are per-region fields), so they are refused with a message.
    """
    if not isinstance(record, dict) or "data" in record or not isinstance(record.get("text"), str):
        return record  # a full task (or garbage, reported by task_to_gold)
    if record.get(CLAIM):
        raise InputError(file, f"{task_name(record, index)}: {CLAIM}: found claims in a "
                               "JSON_MIN export, which drops their statement, claimant and "
                               "check-worthiness; expected the full JSON export for claims")
    regions = record.get(MENTION) or []
    if not isinstance(regions, list):
        raise InputError(file, f"{task_name(record, index)}: {MENTION}: found "
                               f"{type(regions).__name__}, expected a list of regions")
    result = [{"id": f"m{n}", "from_name": MENTION, "to_name": "text", "type": "labels",
               "value": region} for n, region in enumerate(regions, start=1)]
    data = {k: v for k, v in record.items() if k in ("text", "doc_id", "entities")}
    return {"id": record.get("id"), "data": data, "annotations": [{"result": result}]}


def tasks_to_gold(tasks: Any, file="<tasks>",
                  label_map: dict[str, str | None] | None = None) -> list[tuple[str, DocumentGold]]:
    """Every task of a Label Studio JSON (or ``JSON_MIN``) export as ``(text, gold)``."""
    if not isinstance(tasks, list):
        raise InputError(file, f"found {type(tasks).__name__}, expected a JSON list of tasks")
    tasks = [from_json_min(t, i, file) for i, t in enumerate(tasks)]
    out = [task_to_gold(t, i, file, label_map) for i, t in enumerate(tasks)]
    seen: dict[str, str] = {}
    for i, (_, gold) in enumerate(out):
        name = task_name(tasks[i], i)
        if gold.doc_id in seen:
            raise InputError(file, f"{name}: data.doc_id: found {gold.doc_id!r} again "
                                   f"({seen[gold.doc_id]}), expected unique document ids")
        seen[gold.doc_id] = name
    return out
