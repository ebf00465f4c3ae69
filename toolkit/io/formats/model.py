"""What a format reader gives: documents with their text and character-offset mentions.

A stand-in, on this branch, for the framework's own definitions in ``io.formats`` (branch
formats-core: the registry, detection, the converters). The names and fields here are those
of the framework (as read in its work in progress), so merging is: this module goes, and the
readers import the same names from ``io.formats``. Beyond the framework's, and to be merged
into it: ``FormatOptions.label_map`` (Label Studio and Doccano map labels on the way in, as
``ecbench import --label-map`` does), and ``FormatDocument.gold``, ``meta`` and ``unplaced``.

A reader module exposes ``NAME`` (the format's name), ``detect(path) -> bool`` (cheap: the
suffix and a peek at the content, never a whole large file) and ``read(path, options) ->
FormatRead``. Offsets are Python ``str`` indices, end exclusive, checked against the text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

SCHEME_NAMES = ("auto", "IOB1", "IOB2", "BIOES", "BILOU")
DISCONTINUOUS = ("split", "join", "skip")
OFFSETS = ("auto", "codepoints", "utf16")


@dataclass(frozen=True)
class FormatOptions:
    """The reader options a command was given (each reader uses the ones it needs).

    - ``scheme``: how BIO-style tags are read (CoNLL, HF): auto, IOB1, IOB2, BIOES, BILOU
      (``IOBES`` is read as BIOES);
    - ``tokens_column``, ``tags_column``: the HF dataset's columns (default: found by name);
    - ``split``: the dataset split to read (HF; None: the reader's rule);
    - ``discontinuous``: brat fragments: split (one mention each), join (one mention from the
      first start to the last end), skip (left out); counted in a note either way;
    - ``spans_key``: spaCy DocBin: ``doc.spans[KEY]`` instead of ``doc.ents``;
    - ``offsets``: Doccano: how offsets count (auto, codepoints, utf16);
    - ``label_map``: Label Studio, Doccano: the tool's labels to OntoNotes (a None value drops
      the label), as ``ecbench import --label-map``.
    """

    scheme: str = "auto"
    tokens_column: str | None = None
    tags_column: str | None = None
    split: str | None = None
    discontinuous: str = "split"
    spans_key: str | None = None
    offsets: str = "auto"
    label_map: dict | None = None

    def __post_init__(self) -> None:
        scheme = {"IOBES": "BIOES"}.get(self.scheme.upper(), self.scheme.upper())
        scheme = "auto" if scheme == "AUTO" else scheme
        if scheme not in SCHEME_NAMES:
            raise ValueError(f"--scheme: found {self.scheme!r}, expected one of "
                             f"{', '.join(SCHEME_NAMES)}")
        object.__setattr__(self, "scheme", scheme)
        for flag, value, allowed in (("--discontinuous", self.discontinuous, DISCONTINUOUS),
                                     ("--offsets", self.offsets, OFFSETS)):
            if value not in allowed:
                raise ValueError(f"{flag}: found {value!r}, expected one of {', '.join(allowed)}")


class FormatMention(NamedTuple):
    """A mention as a reader gives it: character offsets into its document's text, a label,
    optionally an entity key (mentions sharing one are one entity) and where it is in the
    source (``line 12``, ``T3``) for messages."""

    start: int
    end: int
    label: str
    entity: str | None = None
    where: str | None = None


@dataclass
class FormatDocument:
    """One document as a reader gives it."""

    id: str
    text: str
    mentions: list[FormatMention] = field(default_factory=list)
    claims: list = field(default_factory=list)  # schema.PredClaim
    tokens: Any = None  # (start, end) rows: a list of pairs or an (n, 2) integer array
    file: str | None = None
    where: str | None = None
    token_lines: Sequence[int] | None = None
    split: str | None = None
    # beyond the framework's fields (to be merged):
    # the whole gold where the format carries all of it (ecbench's hf and DocBin exports,
    # Label Studio, Doccano): a ``schema.DocumentGold`` or ``io.gold.Gold``, taken as is by
    # the converters, so a round trip gives back the same gold (ids, entity names, claims)
    gold: Any = None
    # what the format records for the manifest: language, split, source, licence
    meta: dict | None = None
    # mentions given by text only that could not be placed in the text, in file order:
    # ``(text, label)``; scored as spurious (a string found nowhere is a hallucination)
    unplaced: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class FormatRead:
    """What a reader read from one source."""

    format: str
    documents: list[FormatDocument]
    notes: list[str] = field(default_factory=list)
    source: dict = field(default_factory=dict)
    positional: bool = False
    produces: tuple[str, ...] = ("mentions",)


# --- what readers share (as the framework defines them) ---------------------------------------

#: bytes ``peek`` reads: enough for a few lines or a JSON record's first keys
PEEK_BYTES = 64 * 1024


def peek(path: Path, size: int = PEEK_BYTES) -> bytes:
    """The first ``size`` bytes of a file (b"" for a folder or an unreadable file): what
    ``detect`` may look at."""
    try:
        with path.open("rb") as fh:
            return fh.read(size)
    except OSError:
        return b""


def file_sha256(path: Path) -> str:
    """A file's sha256, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_source(path: Path, format: str, raw: bytes | None = None) -> dict:
    """The provenance of a one-file source (``raw``: its bytes, when the reader has them)."""
    sha = hashlib.sha256(raw).hexdigest() if raw is not None else file_sha256(path)
    return {"format": format, "file": str(path), "sha256": sha}


def folder_source(folder: Path, files: Sequence[Path], format: str) -> dict:
    """The provenance of a folder source: the sha256 of each file read, by relative path."""
    return {"format": format, "folder": str(folder),
            "sha256": {p.relative_to(folder).as_posix(): file_sha256(p) for p in files}}
