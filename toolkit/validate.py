"""Semantic checks of the corpus, gold files and predictions files.

Every check returns a list of ``Problem`` (never raises, never stops at the first), so
``ecbench validate`` can report everything wrong with a file in one run::

    annotations/gold/x.json: mentions[3] (id m4): text: found 'Kim's', expected 'Kim\\u2019s' (the text at 10:15)

Schema checks are pydantic's (in strict mode, so ``"10"`` is not silently taken for ``10``);
this module turns its errors into located Problems and adds what a schema cannot say: offsets
inside the text, ``text`` equal to the slice, ids unique and defined, seeds matching the
manifest byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .corpus import GOLD_DIR, MANIFEST, SEEDS_DIR, read_text
from .schema import AUTHOR, LABELS, Claim, DocumentGold, Entity, Manifest, Mention


@dataclass(frozen=True)
class Problem:
    """One thing wrong, located: file, record (``mentions[3] (id m4)``, ``line 7``), field."""

    file: str
    record: str | None
    field: str | None
    found: str
    expected: str

    def __str__(self) -> str:
        where = ": ".join(part for part in (self.file, self.record, self.field) if part)
        return f"{where}: found {self.found}, expected {self.expected}"


# --- showing values ----------------------------------------------------------------------------


def _escape_char(ch: str) -> str:
    # Curly quotes, dashes and odd spaces look like their ASCII cousins; escape them so a
    # slice mismatch is visible. Letters (é, ñ, 한) stay readable.
    if ch == "\n":
        return "\\n"
    if ch == "\r":
        return "\\r"
    if ch == "\t":
        return "\\t"
    if ord(ch) < 32 or (ord(ch) > 127 and unicodedata.category(ch)[0] in "PZCS"):
        return f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"
    return ch


def show(value: Any, limit: int = 80) -> str:
    """A value as it appears in a message: strings quoted, look-alike characters escaped.

    >>> show("Kim\u2019s")
    "'Kim\\\\u2019s'"
    """
    if isinstance(value, str):
        text = "".join(_escape_char(ch) for ch in value)
        if len(text) > limit:
            text = text[: limit - 1] + "…"
        return f"'{text}'"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


_JSON_TYPES = {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
               int: "an integer", float: "a number", type(None): "null"}


def _show_typed(value: Any) -> str:
    return f"{show(value)} ({_JSON_TYPES.get(type(value), type(value).__name__)})"


# --- JSON and pydantic errors as Problems -----------------------------------------------------


def json_problem(file: str, text: str, error: json.JSONDecodeError,
                 line: int | None = None) -> Problem:
    """A JSON syntax error located by line and column; at end of input it says so (truncated).

    ``line`` is the file's line number when ``text`` is one line of a JSONL file.
    """
    at_end = not text[error.pos:].strip()
    found = ("the end of the " + ("line" if line else "file")) if at_end else show(text[error.pos])
    where = f"line {line or error.lineno}, column {error.colno}"
    return Problem(file, where, None, found,
                   f"valid JSON ({error.msg}{'; is it truncated?' if at_end else ''})")


def _join_path(parts: Sequence[str | int]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _no_record(loc: Sequence[str | int]) -> tuple[str | None, int]:
    return None, 0


def pydantic_problems(file: str, error: ValidationError,
                      record: Callable[[Sequence[str | int]], tuple[str | None, int]] = _no_record,
                      prefix: tuple[str | int, ...] = ()) -> list[Problem]:
    """Turn each pydantic error into a Problem.

    ``record(loc)`` names the record a location belongs to and says how many leading parts
    of ``loc`` it used up (the rest is the field path); ``prefix`` is prepended to every loc.
    """
    problems = []
    for err in error.errors():
        loc = prefix + tuple(err["loc"])
        record_name, used = record(loc)
        field_parts = list(loc[used:])
        kind, value = err["type"], err.get("input")
        message = err["msg"].removeprefix("Input should be ")
        if kind == "missing":
            found, expected = "nothing", "a value (the field is required)"
        elif kind == "extra_forbidden":
            found, expected = show(value), "no such field (not in the schema)"
        elif kind in ("model_type", "dict_type"):
            found, expected = _show_typed(value), "a JSON object"
        elif kind == "literal_error":
            found, expected = show(value), f"one of {err['ctx']['expected']}"
        elif kind == "value_error" and isinstance(value, dict) and "start" in value \
                and "end" in value and "greater than start" in message:
            field_parts.append("end")
            found, expected = show(value["end"]), f"an offset greater than start ({value['start']})"
        elif kind == "value_error" and "needs a span or a statement" in message:
            found, expected = "neither a span nor a statement", "a span or a statement (or both)"
        elif kind == "value_error":
            found, expected = show(value), message.removeprefix("Value error, ")
        else:
            found, expected = _show_typed(value), message
        problems.append(Problem(file, record_name, _join_path(field_parts) or None, found,
                                expected))
    return problems


def _list_record(data: Any) -> Callable[[Sequence[str | int]], tuple[str | None, int]]:
    """Records of a document-shaped object: ``mentions[3] (id m4)``; top-level fields have none."""

    def record(loc: Sequence[str | int]) -> tuple[str | None, int]:
        if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
            return item_name(loc[0], loc[1], _item(data, loc[0], loc[1])), 2
        return None, 0

    return record


def _item(data: Any, key: str, index: int) -> Any:
    try:
        return data[key][index]
    except (KeyError, IndexError, TypeError):
        return None


def item_name(key: str, index: int, item: Any) -> str:
    item_id = item.get("id") if isinstance(item, dict) else getattr(item, "id", None)
    return f"{key}[{index}]" + (f" (id {item_id})" if isinstance(item_id, str) and item_id else "")


# --- files --------------------------------------------------------------------------------------


def read_json_file(path: str | os.PathLike, shown: str | None = None
                   ) -> tuple[Any, list[Problem]]:
    """Parse a JSON file; ``(None, problems)`` if it is missing, not UTF-8 or not JSON."""
    path, shown = Path(path), shown or str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [Problem(shown, None, None, "no such file", "a JSON file")]
    except OSError as e:
        return None, [Problem(shown, None, None, f"an unreadable file ({e.strerror})",
                              "a JSON file")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, [Problem(shown, f"byte {e.start}", None, f"byte 0x{raw[e.start]:02x}",
                              "UTF-8 text")]
    try:
        return json.loads(text), []
    except json.JSONDecodeError as e:
        return None, [json_problem(shown, text, e)]


def seed_problems(raw: bytes, shown: str, sha256: str | None = None,
                  manifest: str = str(MANIFEST)) -> list[Problem]:
    """A seed must be UTF-8 without a BOM, with LF line ends, and hash to the manifest's sha256."""
    problems = []
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.append(Problem(shown, "byte 0", None, "a UTF-8 byte order mark (EF BB BF)",
                                "UTF-8 text without a BOM"))
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as e:
        problems.append(Problem(shown, f"byte {e.start}", None, f"byte 0x{raw[e.start]:02x}",
                                "UTF-8 text"))
    if b"\r" in raw:
        first_line = raw[: raw.index(b"\r")].count(b"\n") + 1
        count = raw.count(b"\r")
        plural = "s" if count > 1 else ""
        problems.append(Problem(shown, f"line {first_line}", None,
                                f"{count} carriage return{plural} (CRLF or CR line ends)",
                                "LF line ends only"))
    if sha256 is not None:
        actual = hashlib.sha256(raw).hexdigest()
        if actual != sha256:
            problems.append(Problem(shown, None, "sha256", actual,
                                    f"{sha256} (as recorded in {manifest})"))
    return problems


# --- gold ---------------------------------------------------------------------------------------


def span_problems(file: str, record: str, field: str, start: int, end: int,
                   text_value: str | None, text: str | None) -> list[Problem]:
    """Start before end, offsets inside the text and ``text`` equal to the slice (the last two
    skipped when the text or the ``text`` field is unknown)."""
    prefix = f"{field}." if field else ""
    if start < 0:
        return [Problem(file, record, f"{prefix}start", str(start), "an offset of 0 or more")]
    if end <= start:  # scoring rejects these: validation must too
        return [Problem(file, record, f"{prefix}end", str(end),
                        f"an offset greater than start ({start})")]
    if text is None:
        return []
    if end > len(text):
        return [Problem(file, record, f"{prefix}end", str(end),
                        f"an offset at most {len(text)} (the text length)")]
    if start >= len(text):
        return [Problem(file, record, f"{prefix}start", str(start),
                        f"an offset below {len(text)} (the text length)")]
    if text_value is not None and text_value != text[start:end]:
        return [Problem(file, record, f"{prefix}text", show(text_value),
                        f"{show(text[start:end])} (the text at {start}:{end})")]
    return padding_problems(file, record, field, start, end, text)


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start:end]`` without leading and trailing whitespace (annotation tools often keep a
    space of the selection, e.g. ``"Kim "``).

    >>> trimmed("Kim met", 0, 4)
    (0, 3)
    """
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def padding_problems(file: str, record: str, field: str, start: int, end: int,
                     text: str) -> list[Problem]:
    """A span must not start or end with whitespace: no tokenizer puts a boundary there, so
    exports could not place it. The message suggests the trimmed span."""
    s, e = trimmed(text, start, end)
    if (s, e) == (start, end):
        return []
    prefix = f"{field}." if field else ""
    fix = (f"[{s}:{e}] {show(text[s:e])} (the span without the whitespace)" if s < e
           else "a span that is not only whitespace")
    return [Problem(file, record, f"{prefix}start/end",
                    f"{start}:{end} {show(text[start:end])} with leading or trailing whitespace",
                    fix)]


def _duplicate_ids(file: str, key: str, items: Sequence[tuple[int, Any]]) -> list[Problem]:
    ids = [item.id for _, item in items]
    if len(set(ids)) == len(ids):  # the common case, all distinct: nothing to name
        return []
    problems, first = [], {}
    for index, item in items:
        if item.id is None:
            continue
        if item.id in first:
            problems.append(Problem(file, item_name(key, index, item), "id", show(item.id),
                                    f"a unique id ({key}[{first[item.id]}] has it too)"))
        else:
            first[item.id] = index
    return problems


def _duplicate_mentions(file: str, mentions: Sequence[tuple[int, Any]]) -> list[Problem]:
    keys = [(m.start, m.end, m.label) for _, m in mentions]
    if len(set(keys)) == len(keys):  # the common case, all distinct
        return []
    problems, first = [], {}
    for index, m in mentions:
        key = (m.start, m.end, m.label)
        if key in first:
            other = first[key]
            problems.append(Problem(
                file, item_name("mentions", index, m), "start/end/label",
                f"{m.start}:{m.end} {m.label}",
                "no other mention with the same span and label "
                f"({item_name('mentions', *other)} has it)"))
        else:
            first[key] = (index, m)
    return problems


def _plain_span(start: int, end: int, value: str | None, text: str | None) -> bool:
    """Whether ``span_problems`` would find nothing, decided without naming the record (most
    spans of a large corpus); False sends the span to ``span_problems``, which names it."""
    return 0 <= start < end and (text is None or (
        end <= len(text) and value == text[start:end] and not text[start].isspace()
        and not text[end - 1].isspace()))


def _check_gold(file: str, doc_id: str | None, mentions: list[tuple[int, Mention]],
                entities: list[tuple[int, Entity]], claims: list[tuple[int, Claim]],
                text: str | None, entity_ids: Collection[str]) -> list[Problem]:
    """The semantic checks, on the records that passed the schema (indexed as in the file)."""
    problems = []
    problems += _duplicate_ids(file, "mentions", mentions)
    problems += _duplicate_ids(file, "entities", entities)
    problems += _duplicate_ids(file, "claims", claims)
    problems += _duplicate_mentions(file, mentions)
    entity_type = {e.id: e.type for _, e in entities}
    defined = f"the id of an entity in entities{' of ' + doc_id if doc_id else ''}"

    for index, m in mentions:
        if (_plain_span(m.start, m.end, m.text, text)
                and m.entity in entity_ids and entity_type.get(m.entity, m.label) == m.label):
            # nothing span_problems (padding included) or the checks below would report: skip
            # naming the record (most mentions, large corpora)
            continue
        record = item_name("mentions", index, m)
        if text is not None:
            problems += span_problems(file, record, "", m.start, m.end, m.text, text)
        if m.entity not in entity_ids:
            problems.append(Problem(file, record, "entity", show(m.entity), defined))
        elif m.entity in entity_type and entity_type[m.entity] != m.label:
            wanted = entity_type[m.entity]
            problems.append(Problem(file, record, "label", show(m.label),
                                    f"{show(wanted)} (the type of entity {m.entity})"))

    for index, c in claims:
        if (_plain_span(c.span.start, c.span.end, c.span.text, text)
                and (c.cue is None or _plain_span(c.cue.start, c.cue.end, c.cue.text, text))
                and (c.claimant == AUTHOR or c.claimant in entity_ids)
                and all(entity in entity_ids for entity in c.entities)):
            continue  # nothing to report: skip naming the record, as for mentions
        record = item_name("claims", index, c)
        if text is not None:
            problems += span_problems(file, record, "span", c.span.start, c.span.end,
                                       c.span.text, text)
            if c.cue is not None:
                problems += span_problems(file, record, "cue", c.cue.start, c.cue.end,
                                           c.cue.text, text)
        if c.claimant != AUTHOR and c.claimant not in entity_ids:
            problems.append(Problem(file, record, "claimant", show(c.claimant),
                                    f"{show(AUTHOR)} or {defined}"))
        for k, entity in enumerate(c.entities):
            if entity not in entity_ids:
                problems.append(Problem(file, record, f"entities[{k}]", show(entity), defined))
    return problems


def validate_gold(doc: DocumentGold, text: str | None, path: str | os.PathLike) -> list[Problem]:
    """Semantic checks of a parsed gold document against its text (``None``: offsets unchecked)."""
    return _check_gold(str(path), doc.doc_id, list(enumerate(doc.mentions)),
                       list(enumerate(doc.entities)), list(enumerate(doc.claims)), text,
                       {e.id for e in doc.entities})


def valid_items(data: dict, key: str, model: type[BaseModel]) -> list[tuple[int, Any]]:
    items = data.get(key)
    if not isinstance(items, list):
        return []
    out = []
    for index, item in enumerate(items):
        try:
            out.append((index, model.model_validate(item, strict=True)))
        except ValidationError:
            pass  # already reported by the whole-document validation
    return out


def check_gold_data(data: Any, text: str | None, shown: str,
                    doc_id: str | None = None) -> list[Problem]:
    """Schema and semantic checks of parsed gold JSON.

    On schema errors the records that do pass are still checked, so one run shows everything.
    ``doc_id`` is what the file name says the document is.
    """
    try:
        doc = DocumentGold.model_validate(data, strict=True)
    except ValidationError as e:
        problems = pydantic_problems(shown, e, _list_record(data))
        if not isinstance(data, dict):
            return problems
        raw_entities = data.get("entities") if isinstance(data.get("entities"), list) else []
        # ids of entities that failed the schema still count as defined: no false "dangling"
        entity_ids = {e["id"] for e in raw_entities
                      if isinstance(e, dict) and isinstance(e.get("id"), str)}
        found_id = data.get("doc_id") if isinstance(data.get("doc_id"), str) else None
        problems += _check_gold(shown, found_id, valid_items(data, "mentions", Mention),
                                valid_items(data, "entities", Entity),
                                valid_items(data, "claims", Claim), text, entity_ids)
    else:
        found_id = doc.doc_id
        problems = validate_gold(doc, text, shown)
    if doc_id is not None and found_id is not None and found_id != doc_id:
        problems.insert(0, Problem(shown, None, "doc_id", show(found_id),
                                   f"{show(doc_id)} (the file name)"))
    return problems


def validate_gold_file(path: str | os.PathLike, text: str | None,
                       doc_id: str | None = None) -> list[Problem]:
    """Read one gold file and check it against ``text``; ``doc_id`` defaults to the file stem."""
    return checked_gold_file(path, text, doc_id)[1]


def checked_gold_file(path: str | os.PathLike, text: str | None, doc_id: str | None = None
                      ) -> tuple[DocumentGold | None, list[Problem]]:
    """``validate_gold_file``, and the parsed gold when it passed the schema (one parse for a
    reader that checks as it reads): a ``DocumentGold``, or its light stand-in
    ``fastgold.Gold`` (same attributes and ``model_dump``) when msgspec could read the file."""
    from .fastgold import read_gold

    path = Path(path)
    doc_id = path.stem if doc_id is None else doc_id
    try:  # the common case, a valid file: msgspec, else pydantic, parses the JSON itself
        raw = path.read_bytes()
        doc = read_gold(raw) or DocumentGold.model_validate_json(raw, strict=True)
    except (ValidationError, OSError):
        pass  # the path below locates every problem
    else:
        problems = validate_gold(doc, text, str(path))
        if doc.doc_id != doc_id:
            problems.insert(0, Problem(str(path), None, "doc_id", show(doc.doc_id),
                                       f"{show(doc_id)} (the file name)"))
        return doc, problems
    data, problems = read_json_file(path)
    if data is None:
        return None, problems
    return None, check_gold_data(data, text, str(path), doc_id)


# --- the corpus ---------------------------------------------------------------------------------


def _read_manifest(root: Path) -> tuple[Manifest | None, Any, list[Problem]]:
    shown = str(root / MANIFEST)
    data, problems = read_json_file(root / MANIFEST, shown)
    if data is None:
        return None, None, problems
    try:
        return Manifest.model_validate(data, strict=True), data, []
    except ValidationError as e:
        return None, data, pydantic_problems(shown, e, _list_record(data))


def corpus_texts(root: str | os.PathLike) -> dict[str, str]:
    """doc_id -> seed text for every readable seed the manifest lists (best effort, no checks)."""
    root = Path(root)
    manifest, _, _ = _read_manifest(root)
    texts = {}
    for entry in manifest.documents if manifest else ():
        try:
            texts[entry.id] = read_text(root / SEEDS_DIR / f"{entry.id}.txt")
        except (OSError, UnicodeDecodeError):
            pass  # validate_corpus reports these
    return texts


def validate_corpus(root: str | os.PathLike) -> list[Problem]:
    """Every check of a corpus folder: manifest, seeds (bytes and sha256), gold files."""
    root = Path(root)
    if not root.is_dir():
        return [Problem(str(root), None, None,
                        "a file" if root.exists() else "no such folder",
                        f"a corpus folder (one holding {MANIFEST})")]
    manifest, _, problems = _read_manifest(root)
    if manifest is None:
        return problems
    for index, entry, duplicate in _manifest_entries(root, manifest):
        problems += [duplicate] if duplicate else checked_document(root, index, entry)[2]
    return problems + _stray_gold_files(root, {e.id for e in manifest.documents})


def corpus_problems(root: Path, manifest: Manifest) -> list[Problem]:
    """The problems of ``validate_corpus`` that reading no document finds (duplicate ids, stray
    gold files): with ``checked_document`` per document, a reader checks the corpus as it
    reads it."""
    problems = [duplicate for _, _, duplicate in _manifest_entries(root, manifest) if duplicate]
    return problems + _stray_gold_files(root, {e.id for e in manifest.documents})


def _manifest_entries(root: Path, manifest: Manifest):
    """``(index, entry, problem)`` per manifest document: ``problem`` says the id was listed
    before (the entry is then not read), else None."""
    manifest_shown = str(root / MANIFEST)
    seen: dict[str, int] = {}
    for index, entry in enumerate(manifest.documents):
        if entry.id in seen:
            yield index, entry, Problem(manifest_shown, item_name("documents", index, entry), "id",
                                        show(entry.id),
                                        f"a unique id (documents[{seen[entry.id]}] has it too)")
        else:
            seen[entry.id] = index
            yield index, entry, None


def checked_document(root: Path, index: int, entry
                     ) -> tuple[str | None, DocumentGold | None, list[Problem]]:
    """One manifest entry's seed and gold, read once and checked as ``validate_corpus`` does:
    ``(text, gold, problems)``, the text and gold None where unreadable."""
    manifest_shown = str(root / MANIFEST)
    record = item_name("documents", index, entry)
    problems: list[Problem] = []
    seed_path = root / SEEDS_DIR / f"{entry.id}.txt"
    text = None
    try:
        raw = seed_path.read_bytes()
    except FileNotFoundError:
        problems.append(Problem(manifest_shown, record, "id", show(entry.id),
                                f"the id of a seed file ({seed_path} does not exist)"))
    else:
        problems += seed_problems(raw, str(seed_path), entry.sha256, manifest_shown)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            pass  # reported by seed_problems; gold offsets go unchecked

    gold_path = root / GOLD_DIR / f"{entry.id}.json"
    if not gold_path.is_file():
        problems.append(Problem(str(gold_path), None, None, "no such file",
                                f"the gold annotations of document {entry.id} "
                                f"(listed in {manifest_shown})"))
        return text, None, problems
    gold, found = checked_gold_file(gold_path, text, entry.id)
    return text, gold, problems + found


def _stray_gold_files(root: Path, seen) -> list[Problem]:
    manifest_shown = str(root / MANIFEST)
    problems = []
    gold_dir = root / GOLD_DIR
    for gold_path in sorted(gold_dir.glob("*.json")) if gold_dir.is_dir() else ():
        if gold_path.stem not in seen:
            problems.append(Problem(str(gold_path), None, None,
                                    f"a gold file for {show(gold_path.stem)}",
                                    f"only gold files of documents listed in {manifest_shown}"))
    return problems


# --- predictions --------------------------------------------------------------------------------


def validate_predictions(path: str | os.PathLike, texts: dict[str, str] | None = None,
                         labels: Collection[str] | None = LABELS) -> list[Problem]:
    """Every problem of a predictions file; lines whose doc_id is in ``texts`` are checked
    against that text. ``labels=None`` accepts any label (e.g. before a label mapping)."""
    from .predictions import load_predictions

    _, lines, problems = load_predictions(path, texts=texts, labels=labels)
    if problems:
        return problems
    shown = str(path)
    ids = sorted({prediction.doc_id for _, prediction in lines})
    if not ids:  # nothing to score is not "no problems"
        return [Problem(shown, None, None, "no predictions", "at least one line with a doc_id")]
    if texts and not set(ids) & texts.keys():
        return [Problem(shown, None, "doc_id", f"{len(ids)} document(s), none in the corpus "
                        f"({_some(ids)})", f"doc_ids of the corpus ({_some(texts)})")]
    return []


def _some(ids: Iterable[str], shown: int = 5) -> str:
    ids = sorted(ids)
    return ", ".join(ids[:shown]) + (f" and {len(ids) - shown} more" if len(ids) > shown else "")
