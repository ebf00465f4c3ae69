"""The formats people already have (CoNLL, Hugging Face token datasets, brat, spaCy DocBin,
ecbench's own exports, Label Studio, Doccano, JSONL with text), one reader each, into one
model: ``FormatRead``, documents with their text and character-offset mentions. The
converters (``io.formats.convert``; ``io.annotations.annotation_set_of``) turn it into what
every command takes, so ``--gold SRC`` and ``--pred SRC`` accept any of them.

The interface a reader implements
---------------------------------
A reader is a module of this package, registered in ``FORMATS`` (format name -> module path,
imported only when it is used), that exposes:

- ``NAME: str``: the format's name as users type it (``--gold-format NAME``, ``ecbench
  import NAME``), equal to its key in ``FORMATS``.
- ``detect(path: Path) -> bool``: whether ``path`` is in this format. Cheap: the suffix, the
  names in a folder, a peek at the first bytes (``peek``); never a whole large file. Positive
  evidence only: a corpus folder, an ecbench gold JSON file or predictions JSONL file, an empty
  file or an empty JSON list is not the reader's (those keep the native readers and messages).
- ``read(path: Path, options: FormatOptions | None = None) -> FormatRead``: every document
  (``options`` None: the defaults). Bad input raises ``problems.InputError`` located by file
  and line or record, saying what was found and what was expected; never a traceback, a
  silent skip or a silent zero. What the reader ignored, changed or assumed goes in
  ``FormatRead.notes`` (one line each), which commands print as warnings and record. Options
  the format has no use for are ignored.

``FormatRead`` (what ``read`` returns):

- ``format``: the ``NAME``; ``source``: provenance, ``{"file": PATH, "sha256": HEX}`` or
  ``{"folder": PATH, "sha256": {NAME: HEX}}`` (``file_source``, ``folder_source``);
- ``documents``: ``FormatDocument`` s in the source's order, ids unique;
- ``notes``: one-line strings;
- ``positional``: True when the source names no documents (CoNLL): its ids are made up from
  the order, so ``io.formats.pairing`` pairs its documents with the other side's by order;
- ``produces``: the tasks the format can hold (``("mentions",)``, or with ``"claims"``): read
  as predictions, what the system is scored on;
- ``columns``: optional, every mention as numpy columns (``MentionColumns``), for readers of
  large tokenised files: the checks and span tables then make no object per mention.

``FormatDocument``: ``id``, ``text`` (the document text the offsets index), ``mentions``
(``FormatMention``: ``start``, ``end``, ``label``, optionally ``entity``, a key shared by the
mentions of one entity where the format has coreference, and ``where``, how a message locates
the mention in the source, e.g. ``line 12`` or ``T3``), ``claims`` (``schema.PredClaim``,
usually none), ``tokens`` (the character offsets of the tokens as ``(start, end)`` rows, a
list or an ``(n, 2)`` integer array, or None when the format is not tokenised), and for
messages ``file`` and ``where`` (where the document starts), ``token_lines`` (the line of each
token, where the format has lines), ``split`` (the split the source puts it in, if any).
Where the format holds the whole gold (ecbench's ``export hf`` folder and DocBin, Label Studio,
Doccano), ``gold`` is it (a ``schema.DocumentGold`` or ``io.gold.Gold``), taken as it is by the
converters (``convert.gold_of``), so a round trip gives back the same ids, entities and claims;
``meta`` is what the format records for the manifest (language, split, source, licence)
(``gold_document``, ``positional_id``, ``located`` and ``check_span`` below are what readers
share). A format that gives mentions by their text (JSONL with text) places them by
``io.align.place_strings`` and says what it did in ``FormatRead.placement``: those with no
place are spurious predictions (and a gold source with one is refused).

Offsets are Python ``str`` indices (code points), end exclusive, as everywhere in the toolkit.

Options: ``FormatOptions``, one frozen record of every reader's flags (``--scheme``,
``--tokens-column``, ...), checked once.

Detection order
---------------
``detect_format(path)``: a corpus folder (``annotations/manifest.json``) is native and asks no
reader; then each reader of ``FORMATS`` in its order, the first to say yes; then None (the
native readers: a folder of gold JSON files, a gold ``.json`` file, a predictions JSONL file;
``io.annotations.load_annotations``). Where two formats could claim a path, the more specific
comes first: ecbench's ``export hf`` folder before other Hugging Face datasets, Doccano JSONL
(``text`` and ``label``) before generic JSONL with ``text``. ``read_source`` reads a path in the
format named, or the one detected; a path no reader claims is one ``InputError`` naming the
formats tried and the flags that name one.
"""

from __future__ import annotations

import hashlib
import importlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

from ...checks import span_problems
from ...problems import InputError, Problem
from ..align import Placement
from ..corpus import MANIFEST

#: format name -> reader module, in detection order: the specific before the generic (ecbench's
#: ``export hf`` folder before other Hugging Face datasets, Doccano JSONL before JSONL with
#: text, CoNLL's loose column test last).
FORMATS: dict[str, str] = {
    "hf-export": "toolkit.io.formats.ecbench_hf",
    "hf": "toolkit.io.formats.hf_tokens",
    "spacy": "toolkit.io.formats.docbin",
    "brat": "toolkit.io.formats.brat",
    "label-studio": "toolkit.io.formats.labelstudio",
    "doccano": "toolkit.io.formats.doccano",
    "jsonl": "toolkit.io.formats.jsonl_text",
    "conll": "toolkit.io.formats.conll",
}
#: the name of ecbench's own files (corpus folder, gold JSON, predictions JSONL) as a format
NATIVE = "ecbench"

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
      the label), applied as they read, as ``ecbench import --label-map`` asks (those readers
      check labels against the OntoNotes set).
    """

    scheme: str = "auto"
    tokens_column: str | None = None
    tags_column: str | None = None
    split: str | None = None
    discontinuous: str = "split"
    spans_key: str | None = None
    offsets: str = "auto"
    label_map: Mapping[str, str | None] | None = None

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
    """One document as a reader gives it (see the module docstring)."""

    id: str
    text: str
    mentions: list[FormatMention] = field(default_factory=list)
    claims: list = field(default_factory=list)  # schema.PredClaim
    tokens: Any = None  # (start, end) rows: a list of pairs or an (n, 2) integer array
    file: str | None = None
    where: str | None = None
    token_lines: Sequence[int] | None = None
    split: str | None = None
    gold: Any = None  # schema.DocumentGold or io.gold.Gold, where the format holds all of it
    meta: dict | None = None  # the manifest fields the format records (language, source, ...)

    def locate(self, token: int | None = None) -> tuple[str, int | None]:
        """``(file, line)`` of the document, or of its token number ``token`` when the
        format has lines (None where it has none)."""
        line = None
        if token is not None and self.token_lines is not None and token < len(self.token_lines):
            line = int(self.token_lines[token])
        elif self.where and self.where.startswith("line "):
            line = int(self.where.split()[1])
        return self.file or self.id, line


@dataclass
class FormatRead:
    """What a reader read from one source (see the module docstring)."""

    format: str
    documents: list[FormatDocument]
    notes: list[str] = field(default_factory=list)
    source: dict = field(default_factory=dict)
    positional: bool = False
    produces: tuple[str, ...] = ("mentions",)
    columns: MentionColumns | None = None
    #: mentions given by text: how many were placed, and those with no place (io.align)
    placement: Placement | None = None


@dataclass(frozen=True)
class MentionColumns:
    """Every mention of a read as numpy columns, documents in order: what a reader of large
    files may give besides its documents, so that the bulk paths (checks, span tables) make no
    Python object per mention. Each document's ``mentions`` are then rows of these, made into
    ``FormatMention`` s only when read (``Deferred``); a reader that gives columns gives no
    entity keys, and each mention's ``where`` is ``line N`` from ``line``."""

    document: Any  # int array: the index of each mention's document in FormatRead.documents
    start: Any     # int arrays: character offsets in the document's text
    end: Any
    label: Any     # int array: an index into ``labels``
    labels: list[str]
    line: Any = None  # int array: the source line of each mention, or None

    def rows(self, first: int, stop: int) -> list[FormatMention]:
        """Rows ``[first, stop)`` as ``FormatMention`` s (made by C calls, no Python code per
        mention: the named tuple's own ``__new__`` is Python)."""
        lines = (repeat(None) if self.line is None
                 else map("line {}".format, self.line[first:stop].tolist()))
        fields = zip(self.start[first:stop].tolist(), self.end[first:stop].tolist(),
                     map(self.labels.__getitem__, self.label[first:stop].tolist()),
                     repeat(None), lines)
        return list(map(tuple.__new__, repeat(FormatMention), fields))


class Deferred(Sequence):
    """A list made only when it is first read (``make()``), of a length known before: what a
    large read hands on for every document, most of which the bulk paths never read one by
    one."""

    __slots__ = ("_items", "_length", "_make")

    def __init__(self, length: int, make: Callable[[], list]) -> None:
        self._length, self._make, self._items = length, make, None

    def _list(self) -> list:
        if self._items is None:
            self._items, self._make = self._make(), None
        return self._items

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index):
        return self._list()[index]

    def __iter__(self):
        return iter(self._list())

    def __eq__(self, other) -> bool:
        return list(self) == (list(other) if isinstance(other, Sequence) else other)

    def __repr__(self) -> str:
        return repr(self._list())


# --- the registry -------------------------------------------------------------------------------


def reader(name: str) -> ModuleType:
    """The reader module of format ``name`` (imported now)."""
    return importlib.import_module(FORMATS[name])


def check_format(name: str, flag: str = "--format") -> str:
    """``name`` if it is a format this toolkit reads (or ``NATIVE``), else a ValueError naming
    ``flag`` and the formats."""
    if name == NATIVE or name in FORMATS:
        return name
    raise ValueError(f"{flag}: found {name!r}, expected one of {', '.join(known_formats())}")


def known_formats() -> list[str]:
    """Every format name a user may give, the native one first."""
    return [NATIVE, *FORMATS]


def detect_format(path: Path) -> str | None:
    """The format of ``path`` (see "Detection order"): a ``FORMATS`` name, or None for a
    native source or one no reader claims."""
    if path.is_dir() and (path / MANIFEST).is_file():
        return None
    for name in FORMATS:
        if reader(name).detect(path):
            return name
    return None


def read_source(path: str | Path, format: str | None = None,
                options: FormatOptions | None = None) -> FormatRead:
    """Read ``path`` in ``format`` (a ``FORMATS`` name), or in the format detected; a path no
    reader claims raises one ``InputError`` naming the formats tried."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, "no such file or folder")
    name = format or detect_format(path)
    if name is None:
        raise unknown_format(path)
    check_format(name)
    if name == NATIVE:
        raise ValueError(f"{path}: the {NATIVE} format is read by io.annotations, not a reader")
    return reader(name).read(path, options or FormatOptions())


def unknown_format(path: Path) -> InputError:
    """The error for a source no reader claims."""
    kind = "folder" if path.is_dir() else f"{path.suffix or 'extensionless'} file"
    return InputError(path, f"found a {kind} in no format ecbench detects (tried: {NATIVE} "
                      f"corpus folder, gold JSON and predictions JSONL, then "
                      f"{', '.join(FORMATS)}), expected a known format; name it with "
                      "--gold-format/--pred-format (ecbench import: the FORMAT argument)")


# --- what readers share ---------------------------------------------------------------------------

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


def id_stem(path: Path, default: str = "doc") -> str:
    """A file's stem as the start of a document id: a plain file name (``default`` where
    nothing of it is left)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", path.stem).lstrip(".-") or default


def positional_id(path: Path, position: int, default: str = "doc") -> str:
    """The id of a document its format names nowhere: the file stem and its position from 1
    (``test-0001``); such a source is ``positional`` (paired with the other side by order)."""
    return f"{id_stem(path, default)}-{position:04d}"


def located(problem: Problem, line: int | None = None) -> InputError:
    """A ``Problem`` as the one ``InputError`` a reader raises (``line``: where the file has
    lines): ``file:line: record: field: found ..., expected ...``."""
    field = ": ".join(part for part in (problem.record, problem.field) if part) or None
    return InputError(problem.file, f"found {problem.found}, expected {problem.expected}",
                      line=line, field=field)


def check_span(file: str, record: str, start: int, end: int, text: str,
               value: str | None = None, line: int | None = None, field: str = "") -> None:
    """Raise the first problem ``checks.span_problems`` finds with ``[start:end]`` of ``text``
    (``value``: the span's text as the file gives it, checked against the slice)."""
    problems = span_problems(file, record, field, start, end, value, text)
    if problems:
        raise located(problems[0], line)


def gold_document(text: str, gold, *, file: str | None = None, where: str | None = None,
                  split: str | None = None, meta: dict | None = None) -> FormatDocument:
    """A document whose format holds its whole gold (``schema.DocumentGold`` or
    ``io.gold.Gold``): its mentions (entity keys, ids as ``where``) and claims from it, and
    the gold itself."""
    mentions = [FormatMention(m.start, m.end, m.label, m.entity, f"mention {m.id}")
                for m in gold.mentions]
    return FormatDocument(id=gold.doc_id, text=text, mentions=mentions,
                          claims=list(gold.as_prediction().claims), file=file, where=where,
                          split=split, gold=gold, meta=meta)
