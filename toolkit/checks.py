"""Pure checks on parsed records: no file is read here, every check returns Problems.

What a schema cannot say: offsets inside the text, ``text`` equal to the slice, no padding
whitespace, ids unique and defined, seed bytes as the manifest records them. The readers
(``toolkit.io``) run these on what they parse, so a file's every problem is named in one run,
and ``ecbench validate`` shows them all.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Collection, Iterable, Sequence
from operator import attrgetter
from typing import Any

from pydantic import BaseModel, ValidationError

from .problems import Problem, item_name, show
from .schema import (
    AUTHOR,
    Claim,
    DocumentGold,
    Entity,
    Mention,
    PredClaim,
    Prediction,
    PredMention,
)

# --- seeds --------------------------------------------------------------------------------------


def seed_problems(raw: bytes, shown: str, sha256: str | None, manifest: str) -> list[Problem]:
    """A seed must be UTF-8 without a BOM, with LF line ends, and hash to ``sha256`` (the one
    ``manifest`` records; None: not checked)."""
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


# --- spans ---------------------------------------------------------------------------------------


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


def plain_span(start: int, end: int, value: str | None, text: str | None) -> bool:
    """Whether ``span_problems`` would find nothing, decided without naming the record (most
    spans of a large corpus); False sends the span to ``span_problems``, which names it.
    ``value`` None: no ``text`` field to compare with the slice (as ``span_problems``)."""
    return 0 <= start < end and (text is None or (
        end <= len(text) and (value is None or value == text[start:end])
        and not text[start].isspace() and not text[end - 1].isspace()))


# --- gold ----------------------------------------------------------------------------------------


def _duplicate_ids(file: str, key: str, items: Sequence[tuple[int, Any]]) -> list[Problem]:
    """An id given to a second item of ``key`` (mentions, entities, claims) is a problem."""
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
    """A gold mention repeating another's span and label is a problem."""
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


def gold_problems(file: str, doc_id: str | None, mentions: list[tuple[int, Mention]],
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
        if (plain_span(m.start, m.end, m.text, text)
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
        if (plain_span(c.span.start, c.span.end, c.span.text, text)
                and (c.cue is None or plain_span(c.cue.start, c.cue.end, c.cue.text, text))
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


def document_problems(doc: DocumentGold, text: str | None, path: str | os.PathLike
                      ) -> list[Problem]:
    """Semantic checks of a parsed gold document (a ``DocumentGold`` or its read form,
    ``io.gold.Gold``: the same attributes) against its text (``None``: offsets unchecked)."""
    return gold_problems(str(path), doc.doc_id, list(enumerate(doc.mentions)),
                       list(enumerate(doc.entities)), list(enumerate(doc.claims)), text,
                       {e.id for e in doc.entities})


def valid_items(data: dict, key: str, model: type[BaseModel]) -> list[tuple[int, Any]]:
    """``(index, record)`` for each item of ``data[key]`` that passes ``model`` (strict): the
    records a file's semantic checks still run on when the file as a whole fails the schema."""
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


# --- predictions ---------------------------------------------------------------------------------


def check_prediction(doc_id: str, mentions: list[tuple[int, PredMention]],
                     claims: list[tuple[int, PredClaim]], text: str | None, shown: str,
                     record: str, labels: Collection[str] | None = None) -> list[Problem]:
    """Semantic checks of one line's mentions and claims (indexed as in the line): labels in
    ``labels``, spans inside ``text`` and equal to it, ids unique. A repeated mention is no
    error: it is scored as spurious (``duplicate_mentions`` finds them for a warning); nor is a
    mention given by text only (placed in the text before scoring, ``io.align``)."""
    problems = []
    for index, m in mentions:
        if labels is not None and m.label not in labels:
            problems.append(Problem(shown, record, f"mentions[{index}].label", show(m.label),
                                    f"one of {', '.join(labels)}"))
        if m.start is not None:
            problems += span_problems(shown, record, f"mentions[{index}]", m.start, m.end,
                                      m.text, text)
    for index, c in claims:
        for field, span in (("span", c.span), ("cue", c.cue)):
            if span is not None:
                problems += span_problems(shown, record, f"claims[{index}].{field}", span.start,
                                          span.end, span.text, text)
    for key, items in (("mentions", mentions), ("claims", claims)):
        first_with: dict[str, int] = {}
        for index, item in items:
            if item.id is not None and item.id in first_with:
                problems.append(Problem(shown, record, f"{key}[{index}].id", show(item.id),
                                        f"a unique id ({key}[{first_with[item.id]}] has it too)"))
            elif item.id is not None:
                first_with[item.id] = index
    return problems


def duplicate_mentions(predictions: Iterable[Prediction]) -> list[str]:
    """One line per document that repeats a mention (same start, end and label): the scorer
    counts each repeat as a spurious prediction, which a user should hear about."""
    key = attrgetter("start", "end", "label")
    found = []
    for prediction in predictions:
        mentions = prediction.mentions
        if len(mentions) < 2 or len(set(map(key, mentions))) == len(mentions):
            continue
        first: dict[tuple, int] = {}
        for index, m in enumerate(mentions):
            if key(m) in first:
                found.append(f"doc_id {prediction.doc_id}: mentions[{index}] ({m.start}:{m.end} "
                             f"{m.label}) repeats mentions[{first[key(m)]}]: scored as spurious")
                break
            first[key(m)] = index
    return found
