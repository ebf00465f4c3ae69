"""brat standoff: a ``.txt`` file and its ``.ann`` file per document (a folder of such pairs,
or one ``.ann`` file with its ``.txt`` beside it); the document id is the file stem.

The text is the ``.txt`` file's bytes decoded as UTF-8, nothing changed (line ends, a byte
order mark: brat's offsets count them as characters). Offsets are characters (code points).

What is read of the ``.ann`` file (one annotation a line, fields separated by tabs):

- entities: ``T1<TAB>LABEL START END<TAB>TEXT``; the text must equal the ``.txt`` slice (a
  line without it is read, and counted in a note). An entity whose spans are several
  (discontinuous, ``T1<TAB>LABEL 0 5;10 15<TAB>...``, the text being the fragments joined by
  one space) follows ``options.discontinuous``: ``split``, one mention per fragment; ``join``,
  one mention from the first start to the last end; ``skip``, left out; a note counts them.
- event triggers (``T`` lines an ``E`` line names as its trigger) are not entities: left out,
  counted.
- everything else (attributes ``A``/``M``, relations ``R``, events ``E``, equivalences ``*``,
  normalizations ``N``, notes ``#``) is left out, with one note counting each kind.

A span with outer whitespace is trimmed (gold spans hold none), counted. An entity
repeating another's span and label (twice annotated, or a fragment of a
discontinuous one) is kept once, and counted. A ``.txt`` without a ``.ann`` is not a document
of the folder (brat makes an empty ``.ann`` for every document it opens): skipped, said so.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from ...checks import trimmed
from ...problems import InputError, show, some_items
from . import (
    FormatDocument,
    FormatMention,
    FormatOptions,
    FormatRead,
    folder_source,
)

NAME = "brat"
#: what the non-entity lines are, by their id's first character
IGNORED_KINDS = {"A": "attributes (A)", "M": "attributes (M)", "R": "relations (R)",
                 "E": "events (E)", "*": "equivalences (*)", "N": "normalizations (N)",
                 "#": "notes (#)"}
_ENTITY = re.compile(r"(\S+) (\d+ \d+(?:;\d+ \d+)*)")


def detect(path: Path) -> bool:
    """An ``.ann`` file, or a folder holding one (with its ``.txt``)."""
    if path.is_file():
        return path.suffix == ".ann"
    return path.is_dir() and any(ann.with_suffix(".txt").is_file() for ann in path.glob("*.ann"))


def read(path: Path, options: FormatOptions | None = None) -> FormatRead:
    """Every ``.ann``/``.txt`` pair at ``path`` as a document (see the module docstring)."""
    options = options or FormatOptions()
    notes: list[str] = []
    if path.is_file():
        anns = [path]
    else:
        anns = sorted(path.glob("*.ann"))
        notes += _skipped(path, anns)
    tally = Counter()
    documents = [_document(ann, options.discontinuous, tally) for ann in anns]
    notes += _tally_notes(path, tally, options.discontinuous)
    files = [f for ann in anns for f in (ann, ann.with_suffix(".txt"))]
    return FormatRead(NAME, documents, notes,
                      folder_source(path if path.is_dir() else path.parent, files, NAME))


def _skipped(folder: Path, anns: list[Path]) -> list[str]:
    """What a brat folder holds that is not read, so nothing is left out silently."""
    paired = {a.with_suffix(".txt").name for a in anns}
    texts = sorted(p.name for p in folder.glob("*.txt") if p.name not in paired)
    subfolders = sorted(p.name + "/" for p in folder.iterdir() if p.is_dir())
    notes = []
    for what, names in ((".txt file(s) without a .ann", texts),
                        ("subfolder(s), not searched", subfolders)):
        if names:
            notes.append(f"{folder}: skipped {len(names)} {what}: {some_items(names)}")
    return notes


def _text(txt: Path) -> str:
    """The ``.txt`` file's text, byte-exact."""
    try:
        raw = txt.read_bytes()
    except FileNotFoundError:
        raise InputError(txt, "file not found; expected the text of the .ann file beside it") \
            from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(txt, f"found byte 0x{raw[e.start]:02x} at byte {e.start}, expected "
                         "UTF-8 text") from None


def _document(ann: Path, policy: str, tally: Counter) -> FormatDocument:
    """One document: the ``.txt`` text and the entities of its ``.ann`` file."""
    text = _text(ann.with_suffix(".txt"))
    if text.startswith("\ufeff"):
        tally["byte order mark"] += 1
    try:
        lines = ann.read_bytes().decode("utf-8").split("\n")
    except UnicodeDecodeError as e:
        raise InputError(ann, f"not UTF-8 text (byte {e.start})") from None
    if lines[-1] == "":
        lines.pop()
    entities, triggers = [], set()
    seen_ids: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        ann_id, _, rest = line.partition("\t")
        if ann_id in seen_ids and ann_id != "*":
            raise InputError(ann, f"found id {ann_id} again (line {seen_ids[ann_id]}), expected "
                             "unique annotation ids", line=number)
        seen_ids[ann_id] = number
        kind = ann_id[:1]
        if kind == "T":
            entities.append((number, ann_id, rest))
        elif kind in IGNORED_KINDS:
            tally[IGNORED_KINDS[kind]] += 1
            if kind == "E":  # E1<TAB>TYPE:TRIGGER ROLE:ARG ...: its trigger is no entity
                trigger = rest.split("\t", 1)[0].split(" ", 1)[0].partition(":")[2]
                triggers.add(trigger)
        else:
            raise InputError(ann, f"found {show(line)}, expected an annotation line (an id "
                             "starting with T, A, M, R, E, N, # or *, then a tab)", line=number)
    mentions: dict[tuple[int, int, str], FormatMention] = {}  # each span and label once
    for number, ann_id, rest in entities:
        if ann_id in triggers:
            tally["event triggers (T lines an E line names)"] += 1
            continue
        for mention in _entity(ann, number, ann_id, rest, text, policy, tally):
            if mention[:3] in mentions:
                tally["duplicates"] += 1
            else:
                mentions[mention[:3]] = mention
    return FormatDocument(id=ann.stem, text=text, mentions=list(mentions.values()),
                          file=str(ann), where=f"{ann.name}")


def _entity(ann: Path, number: int, ann_id: str, rest: str, text: str, policy: str,
            tally: Counter) -> list[FormatMention]:
    """The mentions of one ``T`` line (its fields after the id: ``rest``)."""
    fields, _, value = rest.partition("\t")
    match = _ENTITY.fullmatch(fields.rstrip())
    if match is None:
        raise InputError(ann, f"{ann_id}: found {show(fields)}, expected 'LABEL START END' "
                         "(or 'LABEL START END;START END' for a discontinuous entity)",
                         line=number)
    label = match.group(1)
    fragments = [tuple(map(int, pair.split())) for pair in match.group(2).split(";")]
    for k, (start, end) in enumerate(fragments):
        if not 0 <= start < end <= len(text):
            raise InputError(ann, f"found {start} {end}, expected 0 <= START < END <= "
                             f"{len(text)} (the length of the .txt text)", line=number,
                             field=ann_id if len(fragments) == 1 else f"{ann_id}: fragment {k + 1}")
    if value:
        _check_value(ann, number, ann_id, value, text, fragments, tally)
    else:
        tally["without text"] += 1
    fragments = [_trimmed(ann, number, ann_id, text, start, end, tally)
                 for start, end in fragments]
    where = f"line {number} ({ann_id})"
    if len(fragments) == 1:
        return [FormatMention(fragments[0][0], fragments[0][1], label, None, where)]
    tally["discontinuous"] += 1
    if policy == "skip":
        return []
    if policy == "join":
        return [FormatMention(fragments[0][0], fragments[-1][1], label, None, where)]
    return [FormatMention(start, end, label, None, f"{where} fragment {k}")
            for k, (start, end) in enumerate(fragments, start=1)]


def _trimmed(ann: Path, number: int, ann_id: str, text: str, start: int, end: int,
             tally: Counter) -> tuple[int, int]:
    """``[start:end]`` without outer whitespace (a sloppy selection; gold spans hold none),
    counted; a span of whitespace only is an error."""
    s, e = trimmed(text, start, end)
    if s == e:
        raise InputError(ann, f"found {start} {end} {show(text[start:end])}, expected a span "
                         "that is not only whitespace", line=number, field=ann_id)
    if (s, e) != (start, end):
        tally["trimmed"] += 1
    return s, e


def _check_value(ann: Path, number: int, ann_id: str, value: str, text: str,
                 fragments: list[tuple[int, int]], tally: Counter) -> None:
    """The line's text field against the ``.txt``: the fragments' text joined by one space
    (brat before 1.3 joined them with nothing: accepted, counted)."""
    pieces = [text[start:end] for start, end in fragments]
    if value == " ".join(pieces):
        return
    if len(pieces) > 1 and value == "".join(pieces):
        tally["old-style discontinuous text"] += 1
        return
    shown = " ".join(pieces)
    raise InputError(ann, f"found {show(value)}, expected {show(shown)} (the .txt text at "
                     f"{';'.join(f'{s}:{e}' for s, e in fragments)})", line=number,
                     field=f"{ann_id}: text")


def _tally_notes(path: Path, tally: Counter, policy: str) -> list[str]:
    """One line per kind of thing the read left out or changed, counted."""
    notes = []
    ignored = [f"{tally[what]} {what}" for what in
               (*dict.fromkeys(IGNORED_KINDS.values()), "event triggers (T lines an E line names)")
               if tally[what]]
    if ignored:
        notes.append(f"{path}: not read (entities only): {', '.join(ignored)}")
    if tally["byte order mark"]:
        notes.append(f"{path}: {tally['byte order mark']} .txt files begin with a UTF-8 byte "
                     "order mark: kept, as a character of the text (brat's offsets count it)")
    if tally["discontinuous"]:
        done = {"split": "each fragment a mention", "join": "one mention from the first start "
                "to the last end", "skip": "left out"}[policy]
        notes.append(f"{path}: {tally['discontinuous']} discontinuous entities: {done} "
                     f"(--discontinuous {policy}; split, join or skip)")
    if tally["old-style discontinuous text"]:
        notes.append(f"{path}: {tally['old-style discontinuous text']} discontinuous entities "
                     "have their fragments' text joined without a space (brat before 1.3): "
                     "accepted")
    if tally["without text"]:
        notes.append(f"{path}: {tally['without text']} entity lines have no text field: their "
                     "offsets are not cross-checked")
    if tally["trimmed"]:
        notes.append(f"{path}: {tally['trimmed']} spans had leading or trailing whitespace: "
                     "trimmed")
    if tally["duplicates"]:
        notes.append(f"{path}: {tally['duplicates']} entities repeat the span and label of "
                     "another: kept once")
    return notes
