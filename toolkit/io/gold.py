"""Gold files (``annotations/gold/<doc_id>.json``, one ``schema.DocumentGold`` each): one
reader, ``read_gold_file``, which every caller uses (``corpus.load``, ``corpus.stream``, the
annotation sources of ``score``/``agree``/``report``, ``ecbench validate``).

What it returns: ``Gold``, the read form of ``DocumentGold``: frozen msgspec structs with the
same fields (names, order, values) and the part of the pydantic API the toolkit uses on gold
(``as_prediction``, ``model_dump``, ``model_copy``, equality with ``DocumentGold``). Every reader
gives this one type. Not ``DocumentGold`` itself, because of what building it costs: on the
5,000-document corpus (362,600 mentions, 171,171 entities, 61,752 claims) msgspec decodes every
gold file in 0.7 CPU s, pydantic's strict parse takes 6.4 s, and turning the decoded structs
into ``DocumentGold`` without validation (``model_construct``) 7.2 s, a fifth to a half of
``export hf``'s whole time. ``DocumentGold`` stays the schema: what is valid, the JSON Schema,
and the model importers build.

How it reads, two paths inside the one reader:

- fast: msgspec decodes the bytes straight into ``Gold``. It accepts a subset of what
  ``DocumentGold.model_validate(..., strict=True)`` accepts, with the same values: no coercion
  (``1.0`` or ``true`` is not an int, ``1`` not a string), the last of duplicate keys wins,
  unknown fields refused, and ``end > start`` (a model validator in ``schema``) checked after
  decoding. Where the two differ, msgspec is the stricter (``schema_``, a field name pydantic
  also takes, is refused here).
- located: whatever the fast path does not take is parsed as JSON and validated by pydantic,
  which accepts it (then turned into a ``Gold``) or names every problem (file, record, field).

So what is accepted, and every error message, are pydantic's. On either path the semantic
checks follow (``checks.document_problems``: offsets against the text, ids, types) and the
file-name check (the ``doc_id`` inside equals the file's stem).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
from pydantic import BaseModel, ValidationError

from ..checks import document_problems, gold_problems, valid_items
from ..limits import document_size_problem
from ..problems import CorpusError, Problem, pydantic_problems, record_locator, show
from ..schema import (
    SCHEMA_VERSION,
    Claim,
    ClaimType,
    DocumentGold,
    Entity,
    Label,
    Mention,
    Prediction,
    Span,
)
from .jsonl import read_json_file

NonNegative = Annotated[int, msgspec.Meta(ge=0)]
NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]


# --- Gold: the read form of DocumentGold ------------------------------------------------------


class GoldStruct(msgspec.Struct, forbid_unknown_fields=True, frozen=True, gc=False):
    """What the gold structs share: pydantic's ``model_dump`` and ``model_copy``, and equality
    with their pydantic model (``MODEL_OF``) when the fields are equal.

    gc=False: scalars, lists and other structs only, no cycles.
    """

    def model_dump(self, *, mode: str = "python", include: set[str] | None = None,
                   by_alias: bool = False, exclude_none: bool = False) -> dict[str, Any]:
        """``BaseModel.model_dump``'s dicts: field names (``by_alias``: the JSON names),
        optionally only the top-level fields in ``include``, or no None values. ``mode`` is
        accepted for the same signature: every value is already a JSON type."""
        dumped = msgspec.to_builtins(self)
        if "schema" in dumped and not by_alias:
            dumped = {("schema_" if k == "schema" else k): v for k, v in dumped.items()}
        if include is not None:
            dumped = {k: v for k, v in dumped.items() if k in include}
        return _without_none(dumped) if exclude_none else dumped

    def model_copy(self, *, update: dict[str, Any] | None = None):
        """A copy with the fields in ``update`` replaced (not validated, as pydantic's)."""
        return msgspec.structs.replace(self, **(update or {}))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, BaseModel):  # the pydantic form of the same record
            return type(other) is MODEL_OF[type(self)] and self.model_dump() == other.model_dump()
        if type(other) is not type(self):
            return NotImplemented
        return msgspec.structs.astuple(self) == msgspec.structs.astuple(other)

    def __hash__(self) -> int:  # as a frozen pydantic model's: unhashable where a list is
        return hash(msgspec.structs.astuple(self))


def _without_none(value: Any) -> Any:
    """``value`` with every None-valued key left out, at every depth (``exclude_none``)."""
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


class GoldSpan(GoldStruct):
    """``schema.Span`` as read."""

    start: NonNegative
    end: NonNegative
    text: str


class GoldMention(GoldStruct):
    """``schema.Mention`` as read."""

    id: NonEmpty
    start: NonNegative
    end: NonNegative
    label: Label
    text: str
    entity: NonEmpty


class GoldEntity(GoldStruct):
    """``schema.Entity`` as read."""

    id: NonEmpty
    name: NonEmpty
    type: Label


class GoldClaim(GoldStruct, kw_only=True):  # required fields after cue, as in Claim
    """``schema.Claim`` as read."""

    id: NonEmpty
    span: GoldSpan
    statement: NonEmpty
    claimant: NonEmpty
    cue: GoldSpan | None = None
    type: ClaimType
    checkworthy: bool
    entities: list[str] = []


class Gold(GoldStruct, kw_only=True):
    """One document's gold as read: ``DocumentGold``'s fields and the methods used on it."""

    schema_: Literal[SCHEMA_VERSION] = msgspec.field(default=SCHEMA_VERSION, name="schema")
    doc_id: NonEmpty
    mentions: list[GoldMention]
    entities: list[GoldEntity]
    claims: list[GoldClaim]

    def as_prediction(self) -> Prediction:
        """The gold in prediction shape (``DocumentGold.as_prediction``, the one definition)."""
        return DocumentGold.as_prediction(self)

    @classmethod
    def from_model(cls, model: DocumentGold) -> Gold:
        """The read form of a validated ``DocumentGold`` (nothing is checked again)."""
        return msgspec.convert(model.model_dump(by_alias=True), cls)


#: each gold struct's pydantic model (the schema it stands in for)
MODEL_OF: dict[type, type[BaseModel]] = {GoldSpan: Span, GoldMention: Mention,
                                         GoldEntity: Entity, GoldClaim: Claim, Gold: DocumentGold}


# --- the reader ---------------------------------------------------------------------------------

_decode = msgspec.json.Decoder(Gold).decode


def decode_gold(raw: bytes) -> Gold | None:
    """The fast path: the gold document in ``raw`` (a gold file's bytes), or None when msgspec
    cannot take it or a span's end is not after its start (the located path then reads it)."""
    try:
        gold = _decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):  # nested too deep: the
        return None  # located path says where
    for m in gold.mentions:
        if m.end <= m.start:
            return None
    for c in gold.claims:
        if c.span.end <= c.span.start or (c.cue is not None and c.cue.end <= c.cue.start):
            return None
    return gold


def read_gold_file(path: str | os.PathLike, text: str | None = None, doc_id: str | None = None
                   ) -> tuple[Gold | None, list[Problem]]:
    """Read one gold file and check it: ``(gold, problems)``, ``gold`` None when the file does
    not pass the schema (``problems`` then names why). ``text`` is the document's text (None:
    offsets unchecked); ``doc_id`` is what the file should say it is (default: its stem)."""
    path = Path(path)
    doc_id = path.stem if doc_id is None else doc_id
    try:
        gold = decode_gold(path.read_bytes())
    except OSError:
        gold = None  # the located path names the problem
    if gold is None:
        data, problems = read_json_file(path)
        if data is None:
            return None, problems
        if (too_large := document_size_problem(data, str(path), None)) is not None:
            return None, [too_large]
        return check_gold_json(data, text, str(path), doc_id)
    if (too_large := document_size_problem(gold, str(path), None)) is not None:
        return None, [too_large]
    return gold, _checked(gold, text, str(path), doc_id)


def check_gold_json(data: Any, text: str | None, shown: str, doc_id: str | None = None
                    ) -> tuple[Gold | None, list[Problem]]:
    """The located path: parsed gold JSON validated by pydantic (strict), then checked as the
    fast path's result is. On schema errors the records that do pass are still checked, so one
    run shows everything. ``doc_id``: what the file name says the document is."""
    try:
        model = DocumentGold.model_validate(data, strict=True)
    except ValidationError as e:
        problems = pydantic_problems(shown, e, record_locator(data))
        if not isinstance(data, dict):
            return None, problems
        raw_entities = data.get("entities") if isinstance(data.get("entities"), list) else []
        # ids of entities that failed the schema still count as defined: no false "dangling"
        entity_ids = {e["id"] for e in raw_entities
                      if isinstance(e, dict) and isinstance(e.get("id"), str)}
        found_id = data.get("doc_id") if isinstance(data.get("doc_id"), str) else None
        problems += gold_problems(shown, found_id, valid_items(data, "mentions", Mention),
                                  valid_items(data, "entities", Entity),
                                  valid_items(data, "claims", Claim), text, entity_ids)
        return None, _file_name_problems(shown, found_id, doc_id) + problems
    gold = Gold.from_model(model)
    return gold, _checked(gold, text, shown, doc_id)


def _checked(gold: Gold, text: str | None, shown: str, doc_id: str | None) -> list[Problem]:
    """The problems of a gold document that passed the schema."""
    return _file_name_problems(shown, gold.doc_id, doc_id) + document_problems(gold, text, shown)


def _file_name_problems(shown: str, found_id: str | None, doc_id: str | None) -> list[Problem]:
    """The doc_id a file holds (``found_id``) must be the one its name gives (``doc_id``)."""
    if doc_id is None or found_id is None or found_id == doc_id:
        return []
    return [Problem(shown, None, "doc_id", show(found_id), f"{show(doc_id)} (the file name)")]


def read_gold_files(paths: Iterable[Path]) -> list[Gold]:
    """The gold of each file (its doc_id must be its stem; offsets unchecked: no text); the
    first file with a problem raises ``CorpusError`` with every problem of that file."""
    golds = []
    for path in paths:
        gold, problems = read_gold_file(path)
        if problems:
            raise CorpusError(problems)
        golds.append(gold)
    return golds
