"""What a format reader gives: documents with their text and character-offset mentions.

A stand-in for the framework's own definitions (``io.formats``: registry, detection, the
converters to annotations and corpus documents); the two are to be merged into one.

A reader module exposes ``NAME`` (the format's name), ``detect(path) -> bool`` (cheap: the
suffix and a peek at the content, never a whole large file) and ``read(path, options) ->
FormatRead``. Offsets are Python ``str`` indices, end exclusive, checked against the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FormatOptions:
    """How to read a source; a reader ignores the options its format has no use for."""

    scheme: str = "auto"  # tag scheme of token formats: auto, iob1, iob2, bioes (bilou)
    tokens_column: str | None = None  # token datasets: the tokens column (None: detected)
    tags_column: str | None = None  # token datasets: the tags column (None: detected)
    split: str | None = None  # datasets with splits: the one to read
    discontinuous: str = "split"  # brat: split | join | skip
    spans_key: str | None = None  # DocBin: read doc.spans[KEY] instead of doc.ents
    label_map: dict | None = None  # the tool's labels to ours (None value: dropped)
    offsets: str = "auto"  # Doccano: auto | codepoints | utf16


@dataclass
class FormatDocument:
    """One document as a format gives it."""

    id: str
    text: str
    mentions: list[tuple[int, int, str]]  # (start, end, label)
    entities: list[str | None] | None = None  # per mention: its entity key, where the format has one
    claims: list = field(default_factory=list)  # schema.PredClaim
    tokens: list[tuple[int, int]] | None = None  # token (start, end), where the format is tokenised
    # Beyond the framework's interface (to be merged): the whole gold where the format carries
    # all of it (ecbench's own exports, Label Studio, Doccano): ids, entity names and types,
    # claims; taken as is by the converters so a round trip gives back the same gold
    gold: Any = None  # schema.DocumentGold or io.gold.Gold
    # what the format records for the manifest (language, split, source, licence)
    meta: dict | None = None
    # mentions given by text and label only that occur nowhere in the text, in file order:
    # hallucinations (spurious when scored)
    unplaced: list[tuple[str, str]] = field(default_factory=list)  # (text, label)


@dataclass
class FormatRead:
    """What a reader read: the documents, and what it ignored, changed or assumed."""

    format: str
    documents: list[FormatDocument]
    notes: list[str] = field(default_factory=list)  # one line each
    source: dict = field(default_factory=dict)  # path and sha256s
