"""Annotations from wherever they are, in the prediction shape the scorer takes: what
``score``, ``agree`` and ``report`` read as gold or predictions.

``load_annotations`` is the one entry: it tells the source apart and hands it to its reader.

- a corpus folder (one holding ``annotations/manifest.json``): ``corpus.load``, texts included;
- a gold JSON file, or a folder of them: ``gold.read_gold_files``;
- any other file: a predictions-shape JSONL file, ``predictions.read_predictions``.

Texts are attached where they are known (the corpus's own, or the bundled corpus's for matching
document ids), and the source is recorded with sha256s for the report's provenance. Bad input
raises ``InputError`` or ``CorpusError`` naming the file and what was wrong. The checks a
command makes on what was read (comparable ids, spans against texts, labels) are the CLI's:
``toolkit.cli.inputs``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..problems import CorpusError, InputError
from ..schema import Prediction, PredictionsHeader
from .corpus import MANIFEST, corpus_texts, find_root, load
from .gold import read_gold_files
from .predictions import read_predictions


@dataclass
class AnnotationSet:
    """Documents in the prediction shape, read from one path, with what is known about them."""

    predictions: list[Prediction]
    texts: dict[str, str]
    header: PredictionsHeader | None  # of a predictions file
    source: dict
    #: doc id -> the date its relative dates resolve against (a corpus manifest's)
    reference_dates: dict[str, date] = field(default_factory=dict)


def load_annotations(path: Path, *, fast: bool = False) -> AnnotationSet:
    """Read a predictions-shape JSONL file, a gold JSON file, a folder of gold JSON files or a
    corpus folder (one holding annotations/manifest.json). ``fast``: see ``read_predictions``."""
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
        header, predictions = read_predictions(path, fast=fast)
        source = {"file": str(path), "sha256": _sha256(path)}
        return AnnotationSet(predictions, _known_texts(predictions), header, source)
    else:
        raise InputError(path, "no such file or folder")
    predictions = [gold.as_prediction() for gold in read_gold_files(files)]
    return AnnotationSet(predictions, _known_texts(predictions), None, source)


def load_corpus_gold(root: Path | None = None) -> AnnotationSet:
    """The gold of a corpus (default: the bundled one) with its texts."""
    corpus = load(root)
    docs = [d for d in corpus if d.gold is not None]
    return AnnotationSet(
        predictions=[d.gold.as_prediction() for d in docs],
        texts={d.id: d.text for d in corpus},
        header=None,
        source={"corpus": str(corpus.root), "sha256": {d.id: d.meta.sha256 for d in docs}},
        reference_dates={d.id: date.fromisoformat(d.meta.reference_date) for d in corpus
                         if d.meta.reference_date},
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
