"""The checks ``score``, ``report`` and ``agree`` make on their inputs before any scoring.

The same rules whatever form gold and predictions came in: paths exist and outputs are
writable, spans fit their texts, the two sides share documents, ``--labels`` names labels that
occur, the two sides' label sets overlap. Each failure raises ``InputError`` (one located
line); each ``*_warnings`` function returns the lines to print as warnings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..checks import plain_span, span_problems
from ..io.annotations import AnnotationSet, load_annotations, load_corpus_gold
from ..io.paths import check_name, output_file, output_folder
from ..io.spantable import SpanTable, Vocab
from ..problems import InputError, Problem, show, some_ids
from ..schema import Prediction
from ..scoring.bootstrap import MIN_DOCUMENTS
from ..scoring.labels import (
    MIN_LABEL_OVERLAP,
    closest_preset,
    label_overlap,
    mapped_counts,
    relabel,
)
from ..scoring.mentions import MentionSpan
from ..scoring.stage import Tables


def check_paths(pred: Path, gold: Path | None, out: Path | None = None,
                plot: Path | None = None) -> None:
    """The paths of ``score``/``agree``, before any reading: sources exist (their names within
    the system's limits), the output is writable and is neither source, the chart folder can be
    made."""
    for source in (pred, gold):
        if source is None:
            continue
        check_name(source)
        if not source.exists():
            raise InputError(source, "no such file or folder")
    if out is not None:
        output_file(out, "the report", inputs=(pred, gold))
    if plot is not None:
        output_folder(plot, "the charts")


def load_gold(gold: Path | None, sources, *, fast: bool = False) -> AnnotationSet:
    """The gold a command was given (``sources``: a ``cli.options.Sources``), else the
    corpus's; a format's notes are in the set, for the command to print."""
    if gold is None:
        return load_corpus_gold()
    return load_annotations(gold, fast=fast, format=sources.gold, options=sources.reader)


def load_pred(pred: Path, sources, *, fast: bool = False) -> AnnotationSet:
    """The predictions a command was given, read as predictions (no entities made up)."""
    return load_annotations(pred, fast=fast, format=sources.pred, options=sources.reader,
                            gold=False)


def tables_of(gold: AnnotationSet, pred: AnnotationSet, produces: list[str]) -> Tables | None:
    """Both sides as span tables, where scoring them so gives the report scoring the records
    gives: a side read from another format (the native files have their own bulk path), mentions
    only, and enough documents that the bootstrap resamples documents (not sentences, which need
    the texts); else None."""
    if "format" not in gold.source and "format" not in pred.source:
        return None
    if "mentions" not in produces or any(p.claims for s in (gold, pred) for p in s.predictions):
        return None
    ids = {p.doc_id for s in (gold, pred) for p in s.predictions}
    if len(ids) < MIN_DOCUMENTS:
        return None
    vocab = Vocab()
    return Tables(_table(gold, vocab), _table(pred, vocab), vocab)


def _table(annotations: AnnotationSet, vocab: Vocab) -> SpanTable:
    """A side as a span table: from its columns where it has them (no object per mention)."""
    if annotations.columns is not None:
        return annotations.columns.table([p.doc_id for p in annotations.predictions], vocab)
    return SpanTable.of_records(annotations.predictions, vocab)


def span_problems_of(annotations: AnnotationSet, texts: dict[str, str], shown: str, *,
                     by_text: bool = False) -> list[Problem]:
    """Every span checked against its document's text (where known): offsets inside it, start
    before end, and ``text`` equal to the slice. Field names end in ``.text`` for a mismatch.
    A mention given by text only (no offsets) is skipped where ``by_text`` (predictions, placed
    before scoring: ``io.annotations.place``), else a problem."""
    if annotations.checked:
        return []  # checked as it was read, against the texts it came with
    problems = []
    for pred in annotations.predictions:
        text = texts.get(pred.doc_id)
        if text is None and not pred.claims and all(m.start is not None and 0 <= m.start < m.end
                                                     for m in pred.mentions):
            continue  # nothing to slice and the offsets are sound: the common large-file case
        record = f"doc_id {pred.doc_id}"
        spans = []
        for i, m in enumerate(pred.mentions):
            if m.start is not None:
                spans.append((f"mentions[{i}]", m))
            elif not by_text:
                problems.append(Problem(shown, record, f"mentions[{i}]",
                                        f"a mention given by text only ({show(m.text)})",
                                        "start and end offsets"))
        for i, c in enumerate(pred.claims):
            spans += [(f"claims[{i}].{name}", s) for name, s in (("span", c.span), ("cue", c.cue))
                      if s is not None]
        for field, span in spans:
            if plain_span(span.start, span.end, getattr(span, "text", None), text):
                continue  # nothing to report (most spans)
            if not 0 <= span.start < span.end:
                problems.append(Problem(shown, record, f"{field}.end", str(span.end),
                                        f"an offset greater than start ({span.start})"))
            elif text is not None:
                problems += span_problems(shown, record, field, span.start, span.end,
                                          getattr(span, "text", None), text)
    return problems


def check_spans(annotations: AnnotationSet, texts: dict[str, str], shown: str, *,
                gold: bool, by_text: bool = False) -> list[str]:
    """Raise ``InputError`` on the first span that cannot be scored (any problem, for gold);
    return warnings for predicted ``text`` fields that disagree with the slice (the offsets
    are what is scored, so the run goes on, but the user hears which record). ``by_text``:
    mentions given by text only are accepted (placed later), else each is a problem."""
    problems = span_problems_of(annotations, texts, shown, by_text=by_text)
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


def label_set_warnings(gold: Mapping[str, int], pred: Mapping[str, int],
                       label_map: Mapping[str, str | None] | None) -> list[str]:
    """One warning when the gold and predicted labels (mentions per label, before the map)
    barely overlap after ``label_map`` (``scoring.labels.MIN_LABEL_OVERLAP``), naming the
    preset that fits, if one does."""
    overlap = label_overlap(gold, pred, label_map)
    if overlap is None or overlap >= MIN_LABEL_OVERLAP:
        return []
    after = " after --label-map" if label_map is not None else ""
    sides = "; ".join(f"{side}: {some_ids(mapped_counts(counts, label_map))}"
                      for side, counts in (("gold", gold), ("predicted", pred)))
    preset = closest_preset(gold, pred)
    if preset is not None and preset[1] > overlap:
        advice = f"try --label-map {preset[0]} ({preset[1]:.0%} of them would)"
    else:
        advice = ("no preset fits: map the predicted labels to the gold's with --label-map "
                  "'A=B,...' or a JSON file")
    return [f"gold and predicted labels barely overlap{after}: {overlap:.0%} of the mentions "
            f"carry a label the other side has ({sides}), so scores will be near zero; {advice}"]


def label_counts(annotations: AnnotationSet | Iterable[Prediction]) -> Counter:
    """Mentions per label of a set (or of predictions); a set read as columns is counted
    there, without a mention object made."""
    if isinstance(annotations, AnnotationSet):
        if annotations.columns is not None:
            return Counter(annotations.columns.label_counts())
        annotations = annotations.predictions
    return Counter(m.label for p in annotations for m in p.mentions)


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


def undeclared_claims(pred_shown: str, header, has_claims: bool) -> list[str]:
    """A predictions file with no header (so scored on every task) and no claim: its claims
    score 0.000, which is right only if the system was meant to extract claims; the warning
    says how to declare what it produces."""
    if header is not None or has_claims:
        return []
    return [f"{pred_shown}: no header line and no claims, so claims are scored as all missed; "
            'a system that does not extract claims says so on the first line: '
            '{"header": {"produces": ["mentions"]}}']
