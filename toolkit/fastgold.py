"""A fast path for reading a gold file: msgspec decodes it straight into light structs, about
five times faster than pydantic's strict parse (the corpus stream reads every gold file once,
so this is most of a large export's validation time).

It is only a shortcut, as ``fastread`` is for predictions. It accepts a subset of what
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

from typing import Annotated, Any, Literal

import msgspec

from .schema import SCHEMA_VERSION, ClaimType, Label

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
