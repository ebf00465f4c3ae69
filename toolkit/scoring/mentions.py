"""Mention scoring with the SemEval-2013 (task 9.1) schemes nervaluate made standard, plus an
entity level.

The schemes (strict, exact, partial, type) and how each counts a pair are declared in
``schemes``; their precision and recall are nervaluate 1.2.1's (``prf.scheme_tp_fp_fn``).

Matching. Each document is swept once: gold and predicted spans sorted by start, and runs of
overlapping spans cut into independent components (O(n log n)). A component holding one gold
and one predicted span (nearly all of them) is decided on the spot; larger ones get a
one-to-one assignment per scheme (``assignment.best_pairs``) that maximises, in this order:
the scheme's correct pairs, the number of matched pairs, then a tie-break preferring same
boundaries, then same label, then the larger overlap (IoU). Spans are sorted by
``(start, end, label, entity)`` first, so the result never depends on the order of the
predictions. Where nervaluate's greedy, order-dependent matching finds a worse assignment
(overlapping or duplicate predictions; in the type scheme, a wrong-label prediction taking a
gold span a later same-label one overlaps) the numbers differ, on purpose; with disjoint gold
and disjoint predictions the strict, exact and partial numbers are always nervaluate's.

Per label, the field's way (conlleval, seqeval, spaCy, nervaluate 1.2.1): the spans of label X
on both sides are scored on their own, so the precision of X is over the predictions labelled
X and its recall over the gold spans labelled X. A PERSON predicted as ORG is a missed PERSON
and a spurious ORG there, though overall it is one incorrect pair; so per-label counts do not
add up to the overall ones. ``confusion`` keeps the reconciliation: the strict assignment's
pairs by (gold label, predicted label), plus missed (gold label, None) and spurious (None,
predicted label); it sums exactly to the overall strict counts. Macro scores are the mean
over all labels seen on either side. ``matches`` records the strict scheme's assignment
(kinds: correct, wrong_label, wrong_boundary, wrong_both, missed, spurious) for the error
report.

Minimum overlap. ``min_overlap`` (a percentage, 0 = any overlap) is nervaluate 1.2.1's
``min_overlap_percentage``: a gold and a predicted span may pair only when their overlap is at
least that share of the gold span's length.

Entity level. Gold mentions sharing ``entity`` form one gold entity (a mention without one is
an entity of its own); it is *found* (tp) if any of its mentions is strictly matched (some
prediction has its boundaries and label), else missed (fn). A predicted mention that carries
``entity`` joins the predicted entity of that id; one without is an entity of its own. A
predicted entity none of whose mentions strictly matches a gold mention is a false positive
(fp); one that does adds nothing beyond the gold entity it found. So finding "Kim Jong Un"
once credits the person although a later "Kim" is missed; a system that does not cluster is
not penalised for naming a found person twice (nor for repeating a correct mention); and every
wrong guess costs precision once per predicted entity. Entity level says "found or not", not
how well mentions were clustered: splitting or merging entities is not penalised.

Sentence units. Given the texts (``score_mentions(..., texts=)``), the sweep also counts each
sentence on its own, as if the spans starting in it were a document: the bootstrap's units
when there are few documents. A run of overlapping spans inside one sentence adds its outcomes
to that sentence; one that crosses sentences (rare) is settled again per sentence, on the
spans each holds, since those sentences would never pair them.

>>> gold = {"d": [MentionSpan(0, 5, "PERSON", "e1"), MentionSpan(10, 13, "PERSON", "e1")]}
>>> pred = {"d": [MentionSpan(0, 5, "PERSON"), MentionSpan(20, 24, "ORG")]}
>>> result = score_mentions(gold, pred)
>>> result.micro["strict"].to_dict()["recall"], result.entities.to_dict()["recall"]
(0.5, 1.0)
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from operator import attrgetter, itemgetter
from typing import NamedTuple

import numpy as np

from ..runtime import collector_paused
from ..text import sentence_index, sentences
from .assignment import best_pairs, enough_overlap, span_order
from .prf import PRFScore, macro_average
from .schemes import (
    ALL_SCHEMES,
    CORRECT,
    KINDS,
    MISSED,
    N_CODES,
    SCHEMES,
    SPURIOUS,
    STRICT,
    WRONG_BOTH,
    WRONG_BOUNDARY,
    WRONG_LABEL,
    MatchKind,
    SchemeCounts,
    scheme_arrays,
    scheme_counts,
)

_span_fields = attrgetter("start", "end", "label", "entity")


class MentionSpan(NamedTuple):
    """A mention as scoring sees it: ``[start, end)`` character offsets, label, entity id."""

    start: int
    end: int
    label: str
    entity: str | None = None

    @classmethod
    def all_of(cls, mentions) -> list[MentionSpan]:
        """The spans of a Prediction's (or gold's) mentions (built at C speed: this runs once
        per mention of a whole file)."""
        return list(map(partial(tuple.__new__, cls), map(_span_fields, mentions)))


class MentionMatch(NamedTuple):
    """One decision of the strict assignment: a pair, or a missed or spurious span.

    A NamedTuple (not a dataclass) because the sweep makes one per span: built with the C-level
    ``tuple.__new__`` it costs a fifth of the scorer's time less.
    """

    doc_id: str
    kind: MatchKind
    gold: MentionSpan | None
    pred: MentionSpan | None


_new_tuple = tuple.__new__
_ARRAYS = ("codes", "entity_counts")


@dataclass(eq=False)
class MentionResult:
    """What mention scoring finds, however it was counted (``score_mentions`` span by span,
    ``table.score_tables`` in numpy columns): the totals, and per document (rows in
    ``doc_ids`` order) the outcome-code counts and the entity-level counts, from which every
    per-document figure and bootstrap unit is computed."""

    micro: dict[str, SchemeCounts]                 # scheme -> counts
    per_label: dict[str, dict[str, SchemeCounts]]  # label -> scheme -> counts (each label alone)
    macro: dict[str, dict[str, float]]             # scheme -> precision, recall, f1 (label mean)
    #: (gold label or None, predicted label or None) -> strict-assignment count; sums to micro
    confusion: dict[tuple[str | None, str | None], int]
    entities: PRFScore                             # entity level
    doc_ids: list[str]                             # the documents, in the order they were swept
    codes: np.ndarray          # int64 (len(doc_ids), N_CODES): outcome-code counts per document
    entity_counts: np.ndarray  # int64 (len(doc_ids), 3): entity-level tp, fp, fn per document
    #: the strict assignment's decisions, for the error report (empty unless kept)
    matches: list[MentionMatch] = field(default_factory=list)
    #: doc id -> one outcome-code row per sentence (sentence bootstrap units); None: not asked
    sentence_codes: dict[str, list[list[int]]] | None = None

    @classmethod
    def of(cls, doc_ids: list[str], codes, entity_counts, per_label: dict, confusion: dict,
           matches: list | None = None, sentence_codes: dict | None = None) -> MentionResult:
        """The result of these counts: micro and entity level summed over the documents,
        macro the mean over the labels."""
        tp, fp, fn = (int(n) for n in entity_counts.sum(axis=0))
        return cls(micro=scheme_counts(codes.sum(axis=0).tolist()), per_label=per_label,
                   macro=macro_of(per_label), confusion=confusion, entities=PRFScore(tp, fp, fn),
                   doc_ids=doc_ids, codes=codes, entity_counts=entity_counts,
                   matches=matches if matches is not None else [], sentence_codes=sentence_codes)

    @property
    def per_doc(self) -> dict[str, dict[str, SchemeCounts]]:
        """doc id -> scheme -> counts (a view of ``codes``, made on each call)."""
        return {d: scheme_counts(row) for d, row in zip(self.doc_ids, self.codes.tolist())}

    @cached_property
    def scheme_rows(self) -> dict[str, np.ndarray]:
        """scheme -> (correct, incorrect, partial, missed, spurious) rows, one per document of
        ``doc_ids`` (``schemes.scheme_arrays`` of ``codes``, made once: the report's
        per-document figures and the bootstrap's document units both read them)."""
        return scheme_arrays(self.codes)

    def __eq__(self, other) -> bool:
        if not isinstance(other, MentionResult):
            return NotImplemented
        return all(np.array_equal(getattr(self, f.name), getattr(other, f.name))
                   if f.name in _ARRAYS else getattr(self, f.name) == getattr(other, f.name)
                   for f in dataclasses.fields(self))


def macro_of(per_label: Mapping[str, Mapping[str, SchemeCounts]]) -> dict[str, dict[str, float]]:
    """scheme -> the mean of the labels' precision, recall and F1 (labels in their order)."""
    return {scheme: macro_average([by_scheme[scheme].scores() for by_scheme in per_label.values()])
            for scheme in SCHEMES}


# --- the sweep ------------------------------------------------------------------------------


@dataclass
class RunTally:
    """What the sweep of a run of documents adds to, document after document: each label's
    outcome-code counts (that label's spans scored alone), the confusion counts, and the
    strict assignment's decisions (``matches``; None: not kept)."""

    min_overlap: float = 0.0
    matches: list[MentionMatch] | None = None
    label_codes: dict[str, list[int]] = field(default_factory=dict)
    confusion: dict[tuple[str | None, str | None], int] = field(default_factory=dict)
    #: ``(gold label, predicted label, code)`` of each simple outcome (None: no span on that
    #: side), counted in bulk by a Counter (C code) rather than tallied span by span
    outcomes: list[tuple] = field(default_factory=list)
    counted: Counter = field(default_factory=Counter)

    def flush(self, at_least: int = 0) -> None:
        """Count the pending outcomes (when there are more than ``at_least``)."""
        if len(self.outcomes) > at_least:
            self.counted.update(self.outcomes)
            self.outcomes.clear()

    def add_outcomes(self, counted: Mapping[tuple, int]) -> None:
        """Add counted ``(gold label, predicted label, code)`` outcomes to the label counts
        (each label alone: a pair of two labels is a missed one and a spurious one) and to the
        confusion counts."""
        label_codes, confusion = self.label_codes, self.confusion
        for (gold_label, pred_label, code), n in counted.items():
            key = (gold_label, pred_label)
            confusion[key] = confusion.get(key, 0) + n
            if gold_label == pred_label:
                _row(label_codes, gold_label)[code] += n
            else:  # a missed gold label, a spurious predicted one (either may be absent)
                if gold_label is not None:
                    _row(label_codes, gold_label)[MISSED] += n
                if pred_label is not None:
                    _row(label_codes, pred_label)[SPURIOUS] += n

    def per_label(self) -> dict[str, dict[str, SchemeCounts]]:
        """label -> scheme -> counts, labels sorted (every outcome counted first)."""
        self.flush()
        self.add_outcomes(self.counted)
        self.counted = Counter()
        return {label: scheme_counts(self.label_codes[label]) for label in sorted(self.label_codes)}


def _row(label_codes: dict[str, list[int]], label: str) -> list[int]:
    found = label_codes.get(label)
    if found is None:
        found = label_codes[label] = [0] * N_CODES
    return found


class SentenceUnits(NamedTuple):
    """A document's sentences as units: one outcome-code row per sentence, and the sentence
    holding a character offset (``text.sentence_index`` of the text)."""

    rows: list[list[int]]
    of: Callable[[int], int]

    @classmethod
    def of_text(cls, text: str) -> SentenceUnits:
        return cls([[0] * N_CODES for _ in range(max(1, len(sentences(text))))],
                   partial(sentence_index, text))

    def add_pair(self, g: MentionSpan, p: MentionSpan, code: int) -> None:
        """A pair decided on the spot: in its sentence, or missed and spurious in two."""
        k = self.of(g[0])
        other = self.of(p[0])
        if other == k:
            self.rows[k][code] += 1
        else:
            self.rows[k][MISSED] += 1
            self.rows[other][SPURIOUS] += 1

    def add_component(self, golds: list, preds: list, codes: list[int],
                      min_overlap: float) -> None:
        """A settled component (spans sorted, ``codes`` its outcomes): added to its sentence,
        or, when its spans start in several, each sentence's spans settled on their own."""
        by_sentence: dict[int, tuple[list, list]] = {}
        for side, spans in enumerate((golds, preds)):
            for span in spans:
                by_sentence.setdefault(self.of(span[0]), ([], []))[side].append(span)
        if len(by_sentence) == 1:
            row = self.rows[next(iter(by_sentence))]
            for code, n in enumerate(codes):
                row[code] += n
            return
        for k, (g, p) in by_sentence.items():
            _outcomes(g, p, self.rows[k], min_overlap)


@dataclass
class DocumentTally:
    """One document's counts as its sweep makes them."""

    doc_id: str
    codes: list[int] = field(default_factory=lambda: [0] * N_CODES)  # outcome-code counts
    found: set = field(default_factory=set)         # gold entities with a strict match
    hit_clusters: set = field(default_factory=set)  # predicted entity ids with a strict match
    unclustered_hits: int = 0  # predictions without an entity id that strictly match
    sentences: SentenceUnits | None = None

    def entity_counts(self, gold: Sequence[MentionSpan],
                      pred: Sequence[MentionSpan]) -> tuple[int, int, int]:
        """Entity-level tp, fp, fn of the document (see the module docstring)."""
        pred_entities = list(map(_entity_of, pred))
        n_unclustered = pred_entities.count(None)
        clusters = set(pred_entities)
        clusters.discard(None)
        gold_entities = set(map(_entity_of, gold))
        if None in gold_entities:  # a gold mention without an entity id is an entity of its own
            gold_entities.discard(None)
            if gold_entities:
                gold_entities.update(g for g in gold if g[3] is None)
            else:  # no entity ids at all: each distinct span
                gold_entities = set(gold)
        fp = (len(clusters) - len(self.hit_clusters) + n_unclustered - self.unclustered_hits)
        return len(self.found), fp, len(gold_entities) - len(self.found)


def score_mentions(gold: Mapping[str, Sequence[MentionSpan]],
                   pred: Mapping[str, Sequence[MentionSpan]], *,
                   min_overlap: float = 0.0, keep_matches: bool = True,
                   texts: Mapping[str, str] | None = None,
                   unplaced: Mapping[str, Sequence[MentionSpan]] | None = None) -> MentionResult:
    """Score predicted mentions against gold, both grouped by document id.

    A document on one side only counts as all missed or all spurious. ``min_overlap`` (0-100)
    is the share of a gold span a prediction must cover to pair with it (nervaluate's
    ``min_overlap_percentage``; 0: any overlap). ``keep_matches=False`` leaves ``matches``
    empty (only the error report reads them). ``texts`` (doc id -> text, every document's)
    also counts each sentence on its own (``MentionResult.sentence_codes``). ``unplaced``
    (doc id -> spans whose start and end are None): predictions given by text that have no
    place in it (``io.align``), each spurious in every scheme, per label and at entity level,
    and in no sentence (a sentence unit of their own). Raises ``ValueError`` naming the
    document, side and span when a span is not ``0 <= start < end``.
    """
    check_min_overlap(min_overlap)
    with collector_paused():
        return _score_mentions(gold, pred, float(min_overlap), keep_matches, texts,
                               unplaced or {})


def check_min_overlap(min_overlap: float) -> None:
    if not 0 <= min_overlap <= 100:
        raise ValueError(f"min_overlap: found {min_overlap}, expected a percentage from 0 "
                         "(any overlap) to 100")


def _score_mentions(gold, pred, min_overlap: float, keep_matches: bool,
                    texts: Mapping[str, str] | None,
                    unplaced: Mapping[str, Sequence[MentionSpan]]) -> MentionResult:
    doc_ids = list(gold) + [d for d in pred if d not in gold]
    if texts is not None:
        missing = [d for d in doc_ids if d not in texts]
        if missing:
            raise ValueError(f"texts: no text for document(s) {', '.join(map(repr, missing))}")
    run = RunTally(min_overlap, [] if keep_matches else None)
    codes, entity_counts = [], []
    sentence_codes: dict[str, list[list[int]]] | None = {} if texts is not None else None
    empty: Sequence[MentionSpan] = ()
    for doc_id in doc_ids:
        units = None
        if texts is not None:
            units = SentenceUnits.of_text(texts[doc_id])
            sentence_codes[doc_id] = units.rows
        doc_codes, counts = score_document(doc_id, gold.get(doc_id, empty),
                                           pred.get(doc_id, empty), run, units,
                                           unplaced.get(doc_id, empty))
        codes.append(doc_codes)
        entity_counts.append(counts)
        run.flush(at_least=100_000)
    return MentionResult.of(doc_ids, np.array(codes, dtype=np.int64).reshape(-1, N_CODES),
                            np.array(entity_counts, dtype=np.int64).reshape(-1, 3),
                            run.per_label(), run.confusion, run.matches, sentence_codes)


def combine_mentions(results: Sequence[MentionResult]) -> MentionResult:
    """One result from results over disjoint sets of documents, given in document order.
    Every count the sweep makes is a sum over documents (per-label and micro counts, confusion,
    entity level), so they add; per-document rows and matches concatenate; macro is derived
    from the per-label counts as ``score_mentions`` derives it. Scoring documents in batches and
    combining equals scoring them at once."""
    if not results:
        raise ValueError("combine_mentions: no results to combine")
    per_label: dict[str, dict[str, SchemeCounts]] = {}
    confusion: dict = {}
    for result in results:
        for label, schemes in result.per_label.items():
            total = per_label.setdefault(label, {scheme: SchemeCounts() for scheme in SCHEMES})
            for scheme in SCHEMES:
                total[scheme] = total[scheme] + schemes[scheme]
        for key, n in result.confusion.items():
            confusion[key] = confusion.get(key, 0) + n
    sentence_codes = None if results[0].sentence_codes is None else {
        d: rows for result in results for d, rows in result.sentence_codes.items()}
    return MentionResult.of(
        [d for result in results for d in result.doc_ids],
        np.concatenate([result.codes for result in results]),
        np.concatenate([result.entity_counts for result in results]),
        {label: per_label[label] for label in sorted(per_label)}, confusion,
        [m for result in results for m in result.matches], sentence_codes)


_by_start = itemgetter(0)
_entity_of = itemgetter(3)
_SENTINEL = (float("inf"), float("inf"), False, None)  # closes the last component


def score_document(doc_id: str, gold: Sequence[MentionSpan], pred: Sequence[MentionSpan],
                   run: RunTally, units: SentenceUnits | None = None,
                   unplaced: Sequence[MentionSpan] = ()
                   ) -> tuple[list[int], tuple[int, int, int]]:
    """Sweep one document: add its per-label outcomes, confusion counts and decisions to
    ``run`` (simple components: to ``run.outcomes``, counted later) and its sentences'
    outcomes to ``units``; return its outcome-code counts and entity-level tp, fp, fn.
    ``unplaced``: predictions with no place in the text, spurious (see ``score_mentions``).

    This is the hot loop (one pass over every span of a file): plain tuples and local names on
    purpose, and longer than a function should be, since a call per component would cost more
    than the component's own work.
    """
    try:
        events = [(g[0], g[1], True, g) for g in gold
                  if 0 <= g[0] < g[1] or _bad(doc_id, "gold", g)]
        events += [(p[0], p[1], False, p) for p in pred
                   if 0 <= p[0] < p[1] or _bad(doc_id, "pred", p)]
    except TypeError:
        _bad_types(doc_id, gold, pred)
    events.append(_SENTINEL)
    events.sort(key=_by_start)

    doc = DocumentTally(doc_id, sentences=units)
    codes, found, hit_clusters = doc.codes, doc.found, doc.hit_clusters
    add_match = run.matches.append if run.matches is not None else None  # None: not kept
    note = run.outcomes.append
    min_overlap = run.min_overlap
    unclustered_hits = 0
    # the current component (run of overlapping spans) is events[first:i]; n_gold and n_pred
    # count its sides, and gold/pred hold the last span of each side
    first = n_gold = n_pred = 0
    gold_span = pred_span = None
    reach = -1
    for i, (start, end, is_gold, span) in enumerate(events):
        if start >= reach:
            # the component is closed: nothing from here on can overlap it
            if n_gold == 1 and n_pred == 1 and (
                    not min_overlap or enough_overlap(gold_span, pred_span, min_overlap)):
                # one gold span against one prediction: most of them
                g, p = gold_span, pred_span
                gl, pl = g[2], p[2]
                if g[0] == p[0] and g[1] == p[1]:
                    code = CORRECT if gl == pl else WRONG_LABEL
                else:
                    code = WRONG_BOUNDARY if gl == pl else WRONG_BOTH
                codes[code] += 1
                note((gl, pl, code))
                if add_match:
                    add_match(_new_tuple(MentionMatch, (doc_id, KINDS[code], g, p)))
                if units is not None:
                    units.add_pair(g, p, code)
                if code == CORRECT:
                    found.add(g[3] if g[3] is not None else g)
                    if p[3] is None:
                        unclustered_hits += 1
                    else:
                        hit_clusters.add(p[3])
            elif n_gold + n_pred == 1:
                alone, code = (gold_span, MISSED) if n_gold else (pred_span, SPURIOUS)
                codes[code] += 1
                if n_gold:
                    note((alone[2], None, code))
                    if add_match:
                        add_match(_new_tuple(MentionMatch, (doc_id, "missed", alone, None)))
                else:
                    note((None, alone[2], code))
                    if add_match:
                        add_match(_new_tuple(MentionMatch, (doc_id, "spurious", None, alone)))
                if units is not None:
                    units.rows[units.of(alone[0])][code] += 1
            elif n_gold or n_pred:
                component = events[first:i]
                _settle([e[3] for e in component if e[2]], [e[3] for e in component if not e[2]],
                        run, doc)
            first, n_gold, n_pred = i, 0, 0
        if is_gold:
            n_gold += 1
            gold_span = span
        else:
            n_pred += 1
            pred_span = span
        if end > reach:
            reach = end
    doc.unclustered_hits += unclustered_hits
    if unplaced:  # no place, so nothing to pair with: spurious, in no sentence
        codes[SPURIOUS] += len(unplaced)
        for p in unplaced:
            note((None, p[2], SPURIOUS))
        if units is not None:
            units.rows.append([len(unplaced) if code == SPURIOUS else 0
                               for code in range(N_CODES)])
        pred = [*pred, *unplaced]
    return codes, doc.entity_counts(gold, pred)


def _settle(golds: list, preds: list, run: RunTally, doc: DocumentTally) -> None:
    """Decide a component of several gold or predicted spans, overlapping (or one pair whose
    overlap is too small): one assignment per scheme over all of it, and another per label
    over that label's spans alone. Adds to the run's label counts, confusion and matches and
    to the document's counts, found gold entities and hit predicted entities."""
    golds = sorted(golds, key=span_order)
    preds = sorted(preds, key=span_order)
    min_overlap = run.min_overlap
    if doc.sentences is None:
        strict = _outcomes(golds, preds, doc.codes, min_overlap)
    else:  # the component's own outcomes, for its sentence(s) too
        part = [0] * N_CODES
        strict = _outcomes(golds, preds, part, min_overlap)
        for code, n in enumerate(part):
            doc.codes[code] += n
        doc.sentences.add_component(golds, preds, part, min_overlap)
    for label in sorted({s[2] for s in golds} | {s[2] for s in preds}):
        _outcomes([g for g in golds if g[2] == label], [p for p in preds if p[2] == label],
                  _row(run.label_codes, label), min_overlap)
    # the strict assignment is the one the error report and the confusion matrix read
    paired_gold, paired_pred = {i for i, _ in strict}, {j for _, j in strict}
    decisions = [(golds[i], preds[j]) for i, j in strict]
    decisions += [(g, None) for i, g in enumerate(golds) if i not in paired_gold]
    decisions += [(None, p) for j, p in enumerate(preds) if j not in paired_pred]
    confusion = run.confusion
    for g, p in sorted(decisions, key=lambda d: span_order(d[0] or d[1])):
        if run.matches is not None:
            run.matches.append(MentionMatch(doc.doc_id, _kind(g, p), g, p))
        key = (g[2] if g else None, p[2] if p else None)
        confusion[key] = confusion.get(key, 0) + 1
    # entity level: a prediction with a gold span's boundaries and label finds its entity
    gold_entity = {g[:3]: g[3] if g[3] is not None else g for g in golds}
    for p in preds:
        entity = gold_entity.get(p[:3], _NOTHING)
        if entity is not _NOTHING:
            doc.found.add(entity)
            if p[3] is None:
                doc.unclustered_hits += 1
            else:
                doc.hit_clusters.add(p[3])


def _outcomes(golds: list, preds: list, out: list[int], min_overlap: float) -> list:
    """Tally into ``out`` each scheme's outcomes for these (sorted) spans: one assignment per
    distinct test of correctness, shared by the schemes that have it (exact and partial);
    return the strict assignment's pairs."""
    if not golds or not preds:  # only missed, or only spurious, spans: every scheme agrees
        out[MISSED if golds else SPURIOUS] += len(golds or preds)
        return []
    assigned: dict[tuple[bool, bool], list] = {}
    for scheme in ALL_SCHEMES:
        test = (scheme.needs_bounds, scheme.needs_label)
        pairs = assigned.get(test)
        if pairs is None:
            pairs = assigned[test] = best_pairs(golds, preds, scheme.is_correct, min_overlap)
        correct, near_miss = scheme.codes[0], scheme.near_miss_code
        for i, j in pairs:
            g, p = golds[i], preds[j]
            same_bounds = g[0] == p[0] and g[1] == p[1]
            out[correct if scheme.is_correct(same_bounds, g[2] == p[2]) else near_miss] += 1
        out[scheme.codes[3]] += len(golds) - len(pairs)  # missed
        out[scheme.codes[4]] += len(preds) - len(pairs)  # spurious
    return assigned[(STRICT.needs_bounds, STRICT.needs_label)]


_NOTHING = object()


def _kind(g: MentionSpan | None, p: MentionSpan | None) -> MatchKind:
    if p is None:
        return "missed"
    if g is None:
        return "spurious"
    same_bounds, same_label = g[0] == p[0] and g[1] == p[1], g[2] == p[2]
    return KINDS[(not same_bounds) * 2 + (not same_label)]


def _bad(doc_id: str, side: str, span) -> bool:
    raise ValueError(f"document {doc_id!r}: {side} mention {tuple(span)!r}: fields start/end: "
                     f"found start={span[0]!r}, end={span[1]!r}, expected 0 <= start < end")


def _bad_types(doc_id: str, gold, pred) -> None:
    for side, spans in (("gold", gold), ("pred", pred)):
        for span in spans:
            if not (isinstance(span[0], int) and isinstance(span[1], int)):
                placing = (" (a mention given by text is placed in the text first: "
                           "io.annotations.place)" if span[0] is None else "")
                raise ValueError(f"document {doc_id!r}: {side} mention {tuple(span)!r}: fields "
                                 f"start/end: found {type(span[0]).__name__}/"
                                 f"{type(span[1]).__name__}, expected integers{placing}")
    raise ValueError(f"document {doc_id!r}: mentions are not (start, end, label, entity) tuples")
