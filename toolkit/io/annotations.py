"""Annotations from wherever they are, in the prediction shape the scorer takes: what
``score``, ``agree`` and ``report`` read as gold or predictions.

``load_annotations`` is the one entry: it tells the source apart and hands it to its reader.

- a corpus folder (one holding ``annotations/manifest.json``): ``corpus.load``, texts included;
- a source in another format (CoNLL, ...: ``io.formats``), named or detected: its reader, then
  ``annotation_set_of`` (texts included; the reader's notes kept for the caller to print);
- a gold JSON file, or a folder of them: ``gold.read_gold_files``;
- a predictions-shape JSONL file (a ``.jsonl`` name, or content that starts with ``{``):
  ``predictions.read_predictions``; any other file is an error naming the formats tried.

Texts are attached where they are known (the corpus's own, a format's, or the bundled corpus's
for matching document ids), and the source is recorded with sha256s for the report's
provenance. Bad input raises ``InputError`` or ``CorpusError`` naming the file and what was
wrong. The checks a command makes on what was read (comparable ids, spans against texts,
labels) are the CLI's: ``toolkit.cli.inputs``; pairing a source that has no document ids
(CoNLL) with the other side is ``io.formats.pairing``.

Predicted mentions given by text only (``{"text": "Kim Jong Un", "label": "PERSON"}``) are
placed here, in the read layer, once the texts of both sides are known: ``place`` (the rule is
``io.align.place_mentions``'s, docs/scoring.md). The scorer only ever sees offsets, and the
mentions with no place in the text, each listed with why, in ``AnnotationSet.placement``.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING

from ..problems import CorpusError, InputError
from ..schema import Prediction, PredictionsHeader
from .align import Placement, place_mentions
from .corpus import MANIFEST, corpus_texts, find_root, load, reference_dates
from .formats import (
    NATIVE,
    Deferred,
    FormatOptions,
    FormatRead,
    detect_format,
    read_source,
    unknown_format,
)
from .formats.convert import entity_ids, entity_numbers, read_problems
from .gold import read_gold_files
from .predictions import FastMention, FastPrediction, read_predictions

if TYPE_CHECKING:  # numpy (through spantable) only where a read has columns
    from .spantable import SpanColumns


@dataclass
class AnnotationSet:
    """Documents in the prediction shape, read from one path, with what is known about them."""

    predictions: list[Prediction]
    texts: dict[str, str]
    header: PredictionsHeader | None  # of a predictions file
    source: dict
    notes: list[str] = field(default_factory=list)  # what a format's reader assumed or left out
    read: FormatRead | None = None  # what a format's reader read (tokens, lines: for pairing)
    checked: bool = False  # every span checked against its text as it was read
    columns: SpanColumns | None = None  # the mentions as columns, in predictions' order
    #: what ``place`` did with mentions given by text (None: none was, or not placed yet)
    placement: Placement | None = None
    #: doc id -> the date its relative dates resolve against (a corpus manifest's)
    reference_dates: dict[str, date] = field(default_factory=dict)


def place(annotations: AnnotationSet, texts: dict[str, str], shown: str) -> AnnotationSet:
    """The set with its mentions given by text placed in ``texts`` (``io.align.place_mentions``:
    raises ``InputError`` naming ``shown`` where a document's text is unknown); the set itself
    when it has none. A format's reader placed its own (``FormatRead.placement``): its set is
    returned as it is, its mentions (perhaps not made yet: ``Deferred``) untouched."""
    if "format" in annotations.source:  # read by a format's reader (io.formats), paired or not
        return annotations
    predictions, placement = place_mentions(annotations.predictions, texts, shown)
    if placement is None:
        return annotations
    return dataclasses.replace(annotations, predictions=predictions, placement=placement)


def load_annotations(path: Path, *, fast: bool = False, format: str | None = None,
                     options: FormatOptions | None = None, gold: bool = True) -> AnnotationSet:
    """Read a corpus folder (one holding annotations/manifest.json), a source in another format
    (``format``: its name, None: detected; ``options``: the reader's), a gold JSON file, a
    folder of gold JSON files or a predictions-shape JSONL file. ``fast``: see
    ``read_predictions``. ``gold``: a format source is read as gold, each mention given its
    entity (``formats.convert.entity_ids``); as predictions, only entities the format names."""
    path = Path(path)
    if format != NATIVE and not (path.is_dir() and (path / MANIFEST).is_file()):
        name = format if format is not None else detect_format(path) if path.exists() else None
        if name is not None:
            return annotation_set_of(read_source(path, name, options), entities=gold)
    if path.is_dir() and (path / MANIFEST).is_file():
        return load_corpus_gold(path)
    if path.is_dir():
        files = sorted(path.glob("*.json"))
        if not files:
            raise InputError(path, "found a folder with no annotations/manifest.json and no *.json "
                             "gold files, expected a corpus folder or a folder of gold files")
        source = {"gold_folder": str(path), "sha256": {p.name: _sha256(p) for p in files}}
    elif path.is_file() and path.suffix == ".json":
        files = [path]
        source = {"gold_file": str(path), "sha256": _sha256(path)}
    elif path.is_file():
        if format is None and not _predictions_like(path):
            raise unknown_format(path)
        header, predictions = read_predictions(path, fast=fast)
        source = {"file": str(path), "sha256": _sha256(path)}
        return AnnotationSet(predictions, _known_texts(predictions), header, source)
    else:
        raise InputError(path, "no such file or folder")
    predictions = [gold.as_prediction() for gold in read_gold_files(files)]
    return AnnotationSet(predictions, _known_texts(predictions), None, source)


def annotation_set_of(read: FormatRead, *, entities: bool = True) -> AnnotationSet:
    """What a format's reader read, in the prediction shape (``FastPrediction`` records, which
    have ``Prediction``'s attributes), with its texts; its problems (``read_problems``) raise
    the first, naming how many more there are. ``entities``: each mention gets the entity of
    the gold rule (``formats.convert``); otherwise only the entity keys the format gives."""
    problems = read_problems(read)
    if problems:
        first, more = problems[0], len(problems) - 1
        raise InputError(first.file, f"{first.record + ': ' if first.record else ''}"
                         f"{first.field + ': ' if first.field else ''}found {first.found}, "
                         f"expected {first.expected}"
                         + (f" (and {more} more: ecbench validate)" if more else ""))
    placement = read.placement
    if entities and placement is not None and placement.unplaced:
        first = placement.unplaced[0]
        raise InputError(read.source.get("file") or read.source.get("folder") or read.format,
                         f"doc_id {first.doc_id}: mentions[{first.index}]: found "
                         f"{first.text!r}, which has no place in the text ({first.reason}), "
                         "expected gold mentions that stand in their text")
    documents = read.documents
    if read.columns is None:
        keys = (entity_ids(documents) if entities
                else [[m.entity for m in d.mentions] for d in documents])
        predictions = [FastPrediction(d.id, _fast_mentions(d.mentions, ids), list(d.claims))
                       for d, ids in zip(documents, keys)]
        columns = None
    else:  # a large read: its mentions made one by one only if something reads them
        keys = Deferred(len(documents), partial(entity_ids, documents)) if entities else None

        def mentions(k: int) -> list[FastMention]:
            return _fast_mentions(documents[k].mentions,
                                  keys[k] if keys is not None else repeat(None))

        predictions = [FastPrediction(d.id, Deferred(len(d.mentions), partial(mentions, k)),
                                      list(d.claims)) for k, d in enumerate(documents)]
        columns = _span_columns(read, entities)
    # made from the reader's own values, not validated: the first validation of a pydantic
    # model builds its validator and asks every installed package for pydantic plugins
    header = PredictionsHeader.model_construct(produces=list(read.produces),
                                               provenance={"format": read.format})
    source = {**read.source, **({"notes": read.notes} if read.notes else {})}
    return AnnotationSet(predictions, {d.id: d.text for d in documents}, header, source,
                         list(read.notes), read, checked=True, columns=columns,
                         placement=None if entities else placement)


def _span_columns(read: FormatRead, entities: bool) -> SpanColumns:
    """A read's columns as the span columns of its annotation set (entities by the rule, as
    numbers; none for predictions)."""
    import numpy as np  # a read with columns was made with numpy

    from .spantable import SpanColumns

    columns = read.columns
    offsets = np.searchsorted(columns.document, np.arange(len(read.documents) + 1))
    entity = (entity_numbers(read) if entities
              else np.full(len(columns.start), -1, dtype=np.int64))
    return SpanColumns(offsets, columns.start, columns.end, columns.label, columns.labels, entity)


def _fast_mentions(mentions: list, entities: list) -> list[FastMention]:
    """A document's mentions as the fast path's records, each with its entity (made by C
    calls, no Python code per mention: a large file has tens of thousands)."""
    if not mentions:
        return []
    starts, ends, labels = list(zip(*mentions))[:3]
    return list(map(FastMention, starts, ends, labels, repeat(None), repeat(None), entities))



def _predictions_like(path: Path) -> bool:
    """Whether a file may be a predictions JSONL file: named ``.jsonl``, empty, or starting
    with ``{`` (so any other file gets the formats' error, not a JSON one)."""
    if path.suffix == ".jsonl":
        return True
    with path.open("rb") as fh:
        head = fh.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    return not head or head.startswith(b"{")


def load_corpus_gold(root: Path | None = None) -> AnnotationSet:
    """The gold of a corpus (default: the bundled one) with its texts."""
    corpus = load(root)
    docs = [d for d in corpus if d.gold is not None]
    return AnnotationSet(
        predictions=[d.gold.as_prediction() for d in docs],
        texts={d.id: d.text for d in corpus},
        header=None,
        source={"corpus": str(corpus.root), "sha256": {d.id: d.meta.sha256 for d in docs}},
        reference_dates=reference_dates(corpus),
    )


def bundled_texts() -> dict[str, str]:
    """Texts of the bundled (or $ECBENCH_CORPUS) corpus, best effort: {} when there is none."""
    try:
        return corpus_texts(find_root())
    except (InputError, CorpusError, OSError, ValueError):  # no readable corpus: texts unknown
        return {}


def _known_texts(predictions: list[Prediction]) -> dict[str, str]:
    """Bundled-corpus texts of the documents that are in the corpus (by doc_id)."""
    ids = {p.doc_id for p in predictions}
    if not ids:
        return {}
    return {d: t for d, t in bundled_texts().items() if d in ids}


def _sha256(path: Path) -> str:
    """A file's sha256, for the provenance of a report."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
