"""Gold files (``annotations/gold/<doc_id>.json``, one ``DocumentGold`` each).

A fast path for reading a gold file: msgspec decodes it straight into light structs, about
five times faster than pydantic's strict parse (the corpus stream reads every gold file once,
so this is most of a large export's validation time).

It is only a shortcut, as ``io.fastread`` is for predictions. It accepts a subset of what
``DocumentGold.model_validate_json(raw, strict=True)`` accepts, with the same values, and gives
up (``None``) on anything else: then the caller parses the file with pydantic, which accepts
it or names every problem. So what is accepted, and every error message, are pydantic's.
msgspec agrees with pydantic's strict JSON mode where it matters here: no coercion (``1.0`` or
``true`` is not an int, ``1`` not a string), the last of duplicate keys wins, unknown fields
refused; the ``end > start`` rule (a model validator in ``schema``) is checked after decoding.
Where they differ, msgspec is the stricter (``schema_``, a field name pydantic also takes, is
refused here).

The structs stand in for ``DocumentGold``, ``Mention``, ``Entity``, ``Claim`` and ``Span``:
same attribute names, same field order, frozen, and ``model_dump`` gives the same dicts.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
from pydantic import ValidationError

from ..checks import document_problems, gold_problems, valid_items
from ..problems import CorpusError, Problem, pydantic_problems, record_locator, show
from ..schema import (SCHEMA_VERSION, Claim, ClaimType, DocumentGold, Entity, Label, Mention,
                      Prediction)
from .jsonl import read_json, read_json_file

NonNegative = Annotated[int, msgspec.Meta(ge=0)]
NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]


class _Struct(msgspec.Struct, forbid_unknown_fields=True, frozen=True, gc=False):
    # gc=False: scalars, lists and other structs only, no cycles

    def model_dump(self, include: set[str] | None = None) -> dict[str, Any]:
        """``BaseModel.model_dump``'s dicts (field names, not aliases), optionally only the
        top-level fields in ``include``."""
        dumped = msgspec.to_builtins(self)
        if "schema" in dumped:
            dumped = {("schema_" if k == "schema" else k): v for k, v in dumped.items()}
        return dumped if include is None else {k: v for k, v in dumped.items() if k in include}


class GoldSpan(_Struct):
    start: NonNegative
    end: NonNegative
    text: str


class GoldMention(_Struct):
    id: NonEmpty
    start: NonNegative
    end: NonNegative
    label: Label
    text: str
    entity: NonEmpty


class GoldEntity(_Struct):
    id: NonEmpty
    name: NonEmpty
    type: Label


class GoldClaim(_Struct, kw_only=True):  # required fields after cue, as in Claim
    id: NonEmpty
    span: GoldSpan
    statement: NonEmpty
    claimant: NonEmpty
    cue: GoldSpan | None = None
    type: ClaimType
    checkworthy: bool
    entities: list[str] = []


class Gold(_Struct, kw_only=True):
    schema_: Literal[SCHEMA_VERSION] = msgspec.field(default=SCHEMA_VERSION, name="schema")
    doc_id: NonEmpty
    mentions: list[GoldMention]
    entities: list[GoldEntity]
    claims: list[GoldClaim]


_decode = msgspec.json.Decoder(Gold).decode


def read_gold(raw: bytes) -> Gold | None:
    """The gold document in ``raw`` (a gold file's bytes), or None: not decodable here, or a
    span whose end is not after its start (the caller then parses it with pydantic)."""
    try:
        gold = _decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    for m in gold.mentions:
        if m.end <= m.start:
            return None
    for c in gold.claims:
        if c.span.end <= c.span.start or (c.cue is not None and c.cue.end <= c.cue.start):
            return None
    return gold


# --- the located path: every problem of a gold file, named --------------------------------------


def check_gold_data(data: Any, text: str | None, shown: str,
                    doc_id: str | None = None) -> list[Problem]:
    """Schema and semantic checks of parsed gold JSON.

    On schema errors the records that do pass are still checked, so one run shows everything.
    ``doc_id`` is what the file name says the document is.
    """
    try:
        doc = DocumentGold.model_validate(data, strict=True)
    except ValidationError as e:
        problems = pydantic_problems(shown, e, record_locator(data))
        if not isinstance(data, dict):
            return problems
        raw_entities = data.get("entities") if isinstance(data.get("entities"), list) else []
        # ids of entities that failed the schema still count as defined: no false "dangling"
        entity_ids = {e["id"] for e in raw_entities
                      if isinstance(e, dict) and isinstance(e.get("id"), str)}
        found_id = data.get("doc_id") if isinstance(data.get("doc_id"), str) else None
        problems += gold_problems(shown, found_id, valid_items(data, "mentions", Mention),
                                valid_items(data, "entities", Entity),
                                valid_items(data, "claims", Claim), text, entity_ids)
    else:
        found_id = doc.doc_id
        problems = document_problems(doc, text, shown)
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
    ``Gold`` (same attributes and ``model_dump``) when msgspec could read the file."""
    path = Path(path)
    doc_id = path.stem if doc_id is None else doc_id
    try:  # the common case, a valid file: msgspec, else pydantic, parses the JSON itself
        raw = path.read_bytes()
        doc = read_gold(raw) or DocumentGold.model_validate_json(raw, strict=True)
    except (ValidationError, OSError):
        pass  # the path below locates every problem
    else:
        problems = document_problems(doc, text, str(path))
        if doc.doc_id != doc_id:
            problems.insert(0, Problem(str(path), None, "doc_id", show(doc.doc_id),
                                       f"{show(doc_id)} (the file name)"))
        return doc, problems
    data, problems = read_json_file(path)
    if data is None:
        return None, problems
    return None, check_gold_data(data, text, str(path), doc_id)


def read_gold_files(paths: list[Path]) -> list[Prediction]:
    gold = []
    for path in paths:
        problems = validate_gold_file(path, None)
        if problems:
            raise CorpusError(problems)
        gold.append(DocumentGold.model_validate(read_json(path)).as_prediction())
    return gold
