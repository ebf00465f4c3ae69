"""Read annotations from wherever they are, in the prediction shape the scorer takes.

A source is a corpus folder (one holding ``annotations/manifest.json``), a gold JSON file, a
folder of gold JSON files, or a predictions-shape JSONL file. Texts are attached where they are
known (the corpus's own, or the bundled corpus's for matching document ids), and the source is
recorded with sha256s for the report's provenance. Bad input raises ``InputError`` or
``CorpusError`` naming the file and what was wrong.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .corpus import MANIFEST, CorpusError, find_root, load
from .jsonl import InputError, read_json
from .predictions import read_predictions
from .schema import DocumentGold, Prediction, PredictionsHeader
from .validate import corpus_texts, validate_gold_file


@dataclass
class AnnotationSet:
    """Documents in the prediction shape, read from one path, with what is known about them."""

    predictions: list[Prediction]
    texts: dict[str, str]
    header: PredictionsHeader | None  # of a predictions file
    source: dict


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_corpus_gold(root: Path | None = None) -> AnnotationSet:
    """The gold of a corpus (default: the bundled one) with its texts."""
    corpus = load(root)
    docs = [d for d in corpus if d.gold is not None]
    return AnnotationSet(
        predictions=[d.gold.as_prediction() for d in docs],
        texts={d.id: d.text for d in corpus},
        header=None,
        source={"corpus": str(corpus.root), "sha256": {d.id: d.meta.sha256 for d in docs}},
    )


def _bundled_texts() -> dict[str, str]:
    """Texts of the bundled (or $ECBENCH_CORPUS) corpus, best effort: {} when there is none."""
    try:
        return corpus_texts(find_root())
    except (InputError, CorpusError, OSError, ValueError):  # no readable corpus: texts unknown
        return {}


def _read_gold_files(paths: list[Path]) -> list[Prediction]:
    gold = []
    for path in paths:
        problems = validate_gold_file(path, None)
        if problems:
            raise CorpusError(problems)
        gold.append(DocumentGold.model_validate(read_json(path)).as_prediction())
    return gold


def load_annotations(path: Path, *, fast: bool = False) -> AnnotationSet:
    """Read a predictions-shape JSONL file, a gold JSON file, a folder of gold JSON files or a
    corpus folder (one holding annotations/manifest.json). ``fast``: see ``read_predictions``."""
    if path.is_dir():
        if (path / MANIFEST).is_file():
            return load_corpus_gold(path)
        files = sorted(path.glob("*.json"))
        if not files:
            raise InputError(path, "found a folder with no annotations/manifest.json and no *.json "
                             "gold files, expected a corpus folder or a folder of gold files")
        predictions = _read_gold_files(files)
        source = {"gold_folder": str(path), "sha256": {p.name: _sha256(p) for p in files}}
    elif path.is_file() and path.suffix == ".json":
        predictions = _read_gold_files([path])
        source = {"gold_file": str(path), "sha256": _sha256(path)}
    elif path.is_file():
        header, predictions = read_predictions(path, fast=fast)
        source = {"file": str(path), "sha256": _sha256(path)}
        return AnnotationSet(predictions, _known_texts(predictions), header, source)
    else:
        raise InputError(path, "no such file or folder")
    return AnnotationSet(predictions, _known_texts(predictions), None, source)


def check_paths(pred: Path, gold: Path | None, out: Path | None = None,
                plot: Path | None = None) -> None:
    """The paths of ``score``/``agree``, before any reading: sources exist, the output is
    writable and is neither source, the chart folder can be made."""
    from .paths import output_file, output_folder

    for source in (pred, gold):
        if source is not None and not source.exists():
            raise InputError(source, "no such file or folder")
    if out is not None:
        output_file(out, "the report", inputs=(pred, gold))
    if plot is not None:
        output_folder(plot, "the charts")


def _known_texts(predictions) -> dict[str, str]:
    """Bundled-corpus texts of the documents that are in the corpus (by doc_id)."""
    ids = {p.doc_id for p in predictions}
    if not ids:
        return {}
    return {d: t for d, t in _bundled_texts().items() if d in ids}


# --- checks before scoring: the same rules whatever path the annotations came by ----------------

SHOWN_IDS = 5  # ids listed in a message; the rest are counted


def some_ids(ids) -> str:
    """``a, b, c, d, e and 118 more``: a message stays one short line for any corpus size."""
    ids = sorted(ids)
    shown = ", ".join(ids[:SHOWN_IDS])
    return shown + (f" and {len(ids) - SHOWN_IDS} more" if len(ids) > SHOWN_IDS else "")


def span_problems_of(annotations: AnnotationSet, texts: dict[str, str], shown: str) -> list:
    """Every span checked against its document's text (where known): offsets inside it, start
    before end, and ``text`` equal to the slice. Field names end in ``.text`` for a mismatch."""
    from .validate import Problem, span_problems

    problems = []
    for pred in annotations.predictions:
        text = texts.get(pred.doc_id)
        if text is None and not pred.claims and all(0 <= m.start < m.end for m in pred.mentions):
            continue  # nothing to slice and the offsets are sound: the common large-file case
        record = f"doc_id {pred.doc_id}"
        spans = [(f"mentions[{i}]", m) for i, m in enumerate(pred.mentions)]
        for i, c in enumerate(pred.claims):
            spans += [(f"claims[{i}].{name}", s) for name, s in (("span", c.span), ("cue", c.cue))
                      if s is not None]
        for field, span in spans:
            if not 0 <= span.start < span.end:
                problems.append(Problem(shown, record, f"{field}.end", str(span.end),
                                        f"an offset greater than start ({span.start})"))
            elif text is not None:
                problems += span_problems(shown, record, field, span.start, span.end,
                                          getattr(span, "text", None), text)
    return problems


def check_spans(annotations: AnnotationSet, texts: dict[str, str], shown: str, *,
                gold: bool) -> list[str]:
    """Raise ``InputError`` on the first span that cannot be scored (any problem, for gold);
    return warnings for predicted ``text`` fields that disagree with the slice (the offsets
    are what is scored, so the run goes on, but the user hears which record)."""
    problems = span_problems_of(annotations, texts, shown)
    mismatches = [p for p in problems if not gold and p.field and p.field.endswith(".text")]
    errors = [p for p in problems if p not in mismatches]
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise InputError(shown, str(errors[0]).removeprefix(shown + ": ") + more)
    if not mismatches:
        return []
    more = (f" (and {len(mismatches) - 1} more: are the offsets counted in bytes, not "
            "characters?)" if len(mismatches) > 1 else "")
    return [f"{mismatches[0]}{more}; scoring uses the offsets"]


def check_comparable(gold: AnnotationSet, pred: AnnotationSet, pred_shown: str,
                     gold_shown: str) -> None:
    """Raise ``InputError`` when nothing can be compared: no predictions, or predictions for
    documents none of which has gold (scoring that would report zeros, not the truth)."""
    check_comparable_ids({p.doc_id for p in gold.predictions},
                         {p.doc_id for p in pred.predictions}, pred_shown, gold_shown)


def check_comparable_ids(gold_ids: set[str], pred_ids: set[str], pred_shown: str,
                         gold_shown: str) -> None:
    """``check_comparable`` on the document ids of both sides."""
    if not pred_ids:
        raise InputError(pred_shown, "found no predictions, expected at least one line with a "
                         "doc_id (is the file empty?)")
    if not gold_ids:
        raise InputError(gold_shown, "found no gold documents, expected at least one")
    if not pred_ids & gold_ids:
        raise InputError(pred_shown, f"none of its {len(pred_ids)} documents has gold in "
                         f"{gold_shown} ({some_ids(pred_ids)}; the gold has "
                         f"{some_ids(gold_ids)}): nothing to compare")


def check_shared(a: AnnotationSet, b: AnnotationSet, a_shown: str, b_shown: str) -> None:
    """``agree`` compares documents both sets annotated: none in common is an error, not zeros."""
    ids_a, ids_b = ({p.doc_id for p in s.predictions} for s in (a, b))
    for ids, shown in ((ids_a, a_shown), (ids_b, b_shown)):
        if not ids:
            raise InputError(shown, "found no documents, expected at least one annotated document")
    if not ids_a & ids_b:
        raise InputError(b_shown, f"no document in common with {a_shown} ({some_ids(ids_b)}; "
                         f"the other has {some_ids(ids_a)}): nothing to compare")


def check_labels(labels: list[str] | None, gold: AnnotationSet, pred: AnnotationSet,
                 label_map: dict | None) -> list[str]:
    """``--labels`` must name labels that occur (after mapping): none at all is an error, some
    missing is a warning."""
    if labels is None:
        return []
    from .scoring.labels import relabel
    from .scoring.mentions import MentionSpan

    present = {s.label for side in (gold, pred) for p in side.predictions
               for s in relabel(MentionSpan.all_of(p.mentions), label_map=label_map)}
    return label_warnings(labels, present, label_map)


def label_warnings(labels: list[str], present: set[str], label_map: dict | None) -> list[str]:
    """``check_labels`` given the labels that occur (after mapping)."""
    missing = [label for label in labels if label not in present]
    if not missing:
        return []
    seen = ", ".join(sorted(present)) or "none"
    if len(missing) == len(labels):
        raise InputError("--labels", f"found {', '.join(missing)}, expected labels that occur in "
                         f"the gold or the predictions{' after --label-map' if label_map else ''}"
                         f" ({seen})")
    return [f"--labels: {', '.join(missing)} occur(s) in neither the gold nor the predictions "
            f"(labels there: {seen}); scored as empty"]


def gold_warnings(gold: AnnotationSet, gold_shown: str) -> list[str]:
    """A --gold file with an extractor's header is most likely the predictions: say so."""
    header = gold.header
    if header is None:
        return []
    extractor = (header.provenance or {}).get("extractor")
    if extractor is None or extractor == "gold":  # the gold extractor's output is gold
        return []
    return [f"{gold_shown}: the gold has a predictions header written by extractor "
            f"{extractor!r}: are --gold and --pred swapped?"]
