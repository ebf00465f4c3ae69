"""Mention scoring with the SemEval-2013 (task 9.1) schemes nervaluate made standard, plus an
entity level.

Schemes (how a matched gold/predicted pair counts; unmatched gold is *missed*, unmatched
predictions are *spurious*):

========  =====================  =====================  ============================
scheme    same boundaries        overlap, same label    overlap, other label
========  =====================  =====================  ============================
strict    correct if same label  incorrect              incorrect
exact     correct                incorrect              incorrect
partial   correct                partial (half credit)  partial (half credit)
type      correct if same label  correct                incorrect
========  =====================  =====================  ============================

``precision = (correct + partial / 2) / actual`` and ``recall = (correct + partial / 2) /
possible`` with ``actual = correct + incorrect + partial + spurious`` and ``possible = correct +
incorrect + partial + missed``: nervaluate 1.2.1's definitions (``partial`` is only ever
non-zero in the partial scheme, so one formula serves all four).

Matching. Each document is swept once: gold and predicted spans sorted by start, and runs of
overlapping spans cut into independent components (O(n log n)). A component holding one gold
and one predicted span (nearly all of them) is decided on the spot; larger ones get a
one-to-one assignment (scipy's ``linear_sum_assignment``) per scheme that maximises, in this
order: the scheme's correct pairs, the number of matched pairs, then a tie-break preferring
same boundaries, then same label, then the larger overlap (IoU). Spans are sorted by
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

>>> gold = {"d": [MentionSpan(0, 5, "PERSON", "e1"), MentionSpan(10, 13, "PERSON", "e1")]}
>>> pred = {"d": [MentionSpan(0, 5, "PERSON"), MentionSpan(20, 24, "ORG")]}
>>> result = score_mentions(gold, pred)
>>> result.micro["strict"].to_dict()["recall"], result.entities.to_dict()["recall"]
(0.5, 1.0)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from operator import add, attrgetter, itemgetter
from typing import Literal, NamedTuple

from ..runtime import collector_paused
from .prf import PRFScore, prf

SCHEMES = ("strict", "exact", "partial", "type")
COUNT_FIELDS = ("correct", "incorrect", "partial", "missed", "spurious")
MatchKind = Literal["correct", "wrong_label", "wrong_boundary", "wrong_both", "missed", "spurious"]
KINDS: tuple[MatchKind, ...] = ("correct", "wrong_label", "wrong_boundary", "wrong_both",
                                "missed", "spurious")


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


@dataclass
class SchemeCounts:
    """One scheme's counts, with nervaluate's derived figures."""

    correct: int = 0
    incorrect: int = 0
    partial: int = 0
    missed: int = 0
    spurious: int = 0

    @property
    def possible(self) -> int:
        return self.correct + self.incorrect + self.partial + self.missed

    @property
    def actual(self) -> int:
        return self.correct + self.incorrect + self.partial + self.spurious

    def _prf(self) -> tuple[float, float, float]:
        credit = self.correct + 0.5 * self.partial
        return prf(credit, self.actual - credit, self.possible - credit)

    @property
    def precision(self) -> float:
        return self._prf()[0]

    @property
    def recall(self) -> float:
        return self._prf()[1]

    @property
    def f1(self) -> float:
        return self._prf()[2]

    def __add__(self, other: SchemeCounts) -> SchemeCounts:
        if not isinstance(other, SchemeCounts):
            return NotImplemented
        return SchemeCounts(*(getattr(self, f) + getattr(other, f) for f in COUNT_FIELDS))

    def to_dict(self) -> dict[str, float]:
        precision, recall, f1 = self._prf()
        return {"precision": precision, "recall": recall, "f1": f1,
                **{f: getattr(self, f) for f in COUNT_FIELDS},
                "possible": self.possible, "actual": self.actual}


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


@dataclass
class MentionResult:
    micro: dict[str, SchemeCounts]                 # scheme -> counts
    per_label: dict[str, dict[str, SchemeCounts]]  # label -> scheme -> counts (each label alone)
    macro: dict[str, dict[str, float]]             # scheme -> precision, recall, f1 (label mean)
    per_doc: dict[str, dict[str, SchemeCounts]]    # doc id -> scheme -> counts
    matches: list[MentionMatch]                    # the strict assignment, for the error report
    entities: PRFScore                             # entity level
    #: (gold label or None, predicted label or None) -> strict-assignment count; sums to micro
    confusion: dict[tuple[str | None, str | None], int] = field(default_factory=dict)
    #: doc id -> entity-level counts (for bootstrap units; they sum to ``entities``)
    per_doc_entities: dict[str, PRFScore] = field(default_factory=dict)
    #: doc id -> its outcome-code counts (``per_doc`` is ``scheme_counts`` of them)
    per_doc_codes: dict[str, list[int]] = field(default_factory=dict)


# Outcome codes, tallied per (label, code). Codes 0-5 are the pair kinds of a 1:1 component,
# which every scheme reads the same way; 6 + 5 * scheme + column is one scheme's own outcome
# (components where the schemes' assignments may differ).
_CORRECT, _WRONG_LABEL, _WRONG_BOUNDARY, _WRONG_BOTH, _MISSED, _SPURIOUS = range(6)
_C, _I, _P, _M, _S = range(5)  # columns, in COUNT_FIELDS order
_STRICT, _EXACT, _PARTIAL, _TYPE = range(4)
_N_CODES = 6 + 5 * len(SCHEMES)
N_CODES = _N_CODES


def _code(scheme: int, column: int) -> int:
    return 6 + 5 * scheme + column


def score_mentions(gold: Mapping[str, Sequence[MentionSpan]],
                   pred: Mapping[str, Sequence[MentionSpan]], *,
                   min_overlap: float = 0.0, keep_matches: bool = True) -> MentionResult:
    """Score predicted mentions against gold, both grouped by document id.

    A document on one side only counts as all missed or all spurious. ``min_overlap`` (0-100)
    is the share of a gold span a prediction must cover to pair with it (nervaluate's
    ``min_overlap_percentage``; 0: any overlap). ``keep_matches=False`` leaves ``matches``
    empty (only the error report reads them). Raises ``ValueError`` naming the document,
    side and span when a span is not ``0 <= start < end``.
    """
    if not 0 <= min_overlap <= 100:
        raise ValueError(f"min_overlap: found {min_overlap}, expected a percentage from 0 "
                         "(any overlap) to 100")
    with collector_paused():
        return _score_mentions(gold, pred, float(min_overlap), keep_matches)




def _score_mentions(gold, pred, min_overlap: float, keep_matches: bool) -> MentionResult:
    doc_ids = list(gold) + [d for d in pred if d not in gold]
    label_tally: dict[str, list[int]] = {}  # label -> count per outcome code, each label alone
    confusion: dict = {}
    per_doc: dict[str, dict[str, SchemeCounts]] = {}
    per_doc_entities: dict[str, PRFScore] = {}
    per_doc_codes: dict[str, list[int]] = {}
    matches: list[MentionMatch] = []
    # (gold label, predicted label, code) of each simple outcome, counted in bulk (Counter is
    # C code) rather than tallied span by span; turned into label_tally and confusion below
    outcomes: list[tuple] = []
    counted: Counter = Counter()
    total = [0] * _N_CODES
    empty: Sequence[MentionSpan] = ()
    for doc_id in doc_ids:
        codes, tp, fp, fn = _score_document(doc_id, gold.get(doc_id, empty),
                                            pred.get(doc_id, empty), label_tally,
                                            matches if keep_matches else None, confusion,
                                            min_overlap, outcomes)
        if len(outcomes) > 100_000:
            counted.update(outcomes)
            outcomes.clear()
        per_doc[doc_id] = scheme_counts(codes)
        per_doc_codes[doc_id] = codes
        per_doc_entities[doc_id] = PRFScore(tp, fp, fn)
        total = list(map(add, total, codes))
    counted.update(outcomes)
    _add_outcomes(counted, label_tally, confusion)

    per_label = {label: scheme_counts(label_tally[label]) for label in sorted(label_tally)}
    micro = scheme_counts(total)
    entities = sum(per_doc_entities.values(), PRFScore())
    return MentionResult(micro=micro, per_label=per_label, macro=_macro(per_label),
                         per_doc=per_doc, matches=matches, entities=entities, confusion=confusion,
                         per_doc_entities=per_doc_entities, per_doc_codes=per_doc_codes)


def combine_mentions(results: Sequence[MentionResult]) -> MentionResult:
    """One result from results over disjoint sets of documents, given in document order.
    Every count the sweep makes is a sum over documents (per-label and micro counts, confusion,
    entity level), so they add; per-document results and matches concatenate; macro is derived
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
    per_label = {label: per_label[label] for label in sorted(per_label)}

    def joined(name: str) -> dict:
        return {k: v for result in results for k, v in getattr(result, name).items()}

    return MentionResult(
        micro={scheme: sum((r.micro[scheme] for r in results), SchemeCounts())
               for scheme in SCHEMES},
        per_label=per_label, macro=_macro(per_label), per_doc=joined("per_doc"),
        matches=[m for result in results for m in result.matches],
        entities=sum((result.entities for result in results), PRFScore()), confusion=confusion,
        per_doc_entities=joined("per_doc_entities"), per_doc_codes=joined("per_doc_codes"))


def _macro(per_label: Mapping[str, Mapping[str, SchemeCounts]]) -> dict[str, dict[str, float]]:
    """scheme -> the mean of the labels' precision, recall and F1 (labels in sorted order)."""
    macro = {}
    for scheme in SCHEMES:
        scores = [per_label[label][scheme]._prf() for label in per_label]
        n = len(scores) or 1
        macro[scheme] = {key: sum(s[k] for s in scores) / n
                         for k, key in enumerate(("precision", "recall", "f1"))}
    return macro


def _add_outcomes(counted: Mapping, label_tally: dict, confusion: dict) -> None:
    """Add counted ``(gold label, predicted label, code)`` outcomes (None: no span on that
    side) to the per-label tallies (each label alone) and the confusion counts."""
    def row(label):
        found = label_tally.get(label)
        if found is None:
            found = label_tally[label] = [0] * _N_CODES
        return found

    for (gold_label, pred_label, code), n in counted.items():
        key = (gold_label, pred_label)
        confusion[key] = confusion.get(key, 0) + n
        if gold_label == pred_label:
            row(gold_label)[code] += n
        else:  # a missed gold label, a spurious predicted one (either may be absent)
            if gold_label is not None:
                row(gold_label)[_MISSED] += n
            if pred_label is not None:
                row(pred_label)[_SPURIOUS] += n


def scheme_counts(codes: list[int]) -> dict[str, SchemeCounts]:
    """Outcome-code counts -> scheme -> SchemeCounts (the table in the module docstring)."""
    correct, label, boundary, both, missed, spurious = codes[:6]  # pair kinds, then unpaired
    counts = {
        "strict": SchemeCounts(correct, label + boundary + both, 0, missed, spurious),
        "exact": SchemeCounts(correct + label, boundary + both, 0, missed, spurious),
        "partial": SchemeCounts(correct + label, 0, boundary + both, missed, spurious),
        "type": SchemeCounts(correct + boundary, label + both, 0, missed, spurious),
    }
    if any(codes[6:]):  # outcomes of components with several gold or predicted spans
        for i, scheme in enumerate(SCHEMES):
            counts[scheme] += SchemeCounts(*codes[6 + 5 * i: 11 + 5 * i])
    return counts


_by_start = itemgetter(0)
_entity_of = itemgetter(3)
_SENTINEL = (float("inf"), float("inf"), False, None)  # closes the last component


def _score_document(doc_id: str, gold: Sequence[MentionSpan], pred: Sequence[MentionSpan],
                    label_tally: dict, matches: list | None, confusion: dict,
                    min_overlap: float, outcomes: list) -> tuple[list[int], int, int, int]:
    """Sweep one document: add its per-label outcomes to ``label_tally``, its decisions to
    ``matches`` and ``confusion`` (simple components: to ``outcomes``, counted later); return
    its outcome-code counts and entity-level tp, fp, fn.

    This is the hot loop: plain tuples and local names on purpose.
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

    n_codes = _N_CODES
    codes = [0] * n_codes
    add_match = matches.append if matches is not None else None  # None: not kept
    note = outcomes.append
    found: set = set()  # gold entities with a strict match
    hit_clusters: set = set()  # predicted entity ids with a strict match
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
                    not min_overlap or _enough(gold_span, pred_span, min_overlap)):
                # one gold span against one prediction: most of them
                g, p = gold_span, pred_span
                gl, pl = g[2], p[2]
                if g[0] == p[0] and g[1] == p[1]:
                    code = _CORRECT if gl == pl else _WRONG_LABEL
                else:
                    code = _WRONG_BOUNDARY if gl == pl else _WRONG_BOTH
                codes[code] += 1
                note((gl, pl, code))
                if add_match:
                    add_match(_new_tuple(MentionMatch, (doc_id, KINDS[code], g, p)))
                if code == _CORRECT:
                    found.add(g[3] if g[3] is not None else g)
                    if p[3] is None:
                        unclustered_hits += 1
                    else:
                        hit_clusters.add(p[3])
            elif n_gold + n_pred == 1:
                if n_gold:
                    codes[_MISSED] += 1
                    note((gold_span[2], None, _MISSED))
                    if add_match:
                        add_match(_new_tuple(MentionMatch, (doc_id, "missed", gold_span, None)))
                else:
                    codes[_SPURIOUS] += 1
                    note((None, pred_span[2], _SPURIOUS))
                    if add_match:
                        add_match(_new_tuple(MentionMatch, (doc_id, "spurious", None,
                                                            pred_span)))
            elif n_gold or n_pred:
                component = events[first:i]
                unclustered_hits += _settle(doc_id, [e[3] for e in component if e[2]],
                                            [e[3] for e in component if not e[2]], codes,
                                            label_tally, matches if add_match else [], found,
                                            hit_clusters, confusion, min_overlap)
            first, n_gold, n_pred = i, 0, 0
        if is_gold:
            n_gold += 1
            gold_span = span
        else:
            n_pred += 1
            pred_span = span
        if end > reach:
            reach = end

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
    n_gold_entities = len(gold_entities)
    fp = len(clusters) - len(hit_clusters) + n_unclustered - unclustered_hits
    return codes, len(found), fp, n_gold_entities - len(found)


def _settle(doc_id, golds, preds, codes, label_tally, matches, found, hit_clusters,
            confusion, min_overlap) -> int:
    """Decide a component of several gold or predicted spans, overlapping (or one pair whose
    overlap is too small): one assignment per scheme over all of it, and another per label
    over that label's spans alone. Updates the tallies, matches, confusion, found gold
    entities and hit predicted entities; returns how many predictions without an entity id
    strictly match a gold span."""
    n_codes = len(codes)
    golds = sorted(golds, key=_span_order)
    preds = sorted(preds, key=_span_order)
    strict = _outcomes(golds, preds, codes, min_overlap)
    for label in sorted({s[2] for s in golds} | {s[2] for s in preds}):
        _outcomes([g for g in golds if g[2] == label], [p for p in preds if p[2] == label],
                  label_tally.setdefault(label, [0] * n_codes), min_overlap)
    # the strict assignment is the one the error report and the confusion matrix read
    paired_gold, paired_pred = {i for i, _ in strict}, {j for _, j in strict}
    decisions = [(golds[i], preds[j]) for i, j in strict]
    decisions += [(g, None) for i, g in enumerate(golds) if i not in paired_gold]
    decisions += [(None, p) for j, p in enumerate(preds) if j not in paired_pred]
    for g, p in sorted(decisions, key=lambda d: _span_order(d[0] or d[1])):
        matches.append(MentionMatch(doc_id, _kind(g, p), g, p))
        key = (g[2] if g else None, p[2] if p else None)
        confusion[key] = confusion.get(key, 0) + 1
    # entity level: a prediction with a gold span's boundaries and label finds its entity
    gold_entity = {g[:3]: g[3] if g[3] is not None else g for g in golds}
    unclustered_hits = 0
    for p in preds:
        entity = gold_entity.get(p[:3], _NOTHING)
        if entity is not _NOTHING:
            found.add(entity)
            if p[3] is None:
                unclustered_hits += 1
            else:
                hit_clusters.add(p[3])
    return unclustered_hits


def _outcomes(golds: list, preds: list, out: list[int], min_overlap: float) -> list:
    """Tally into ``out`` each scheme's outcomes for these (sorted) spans; return the strict
    assignment's pairs."""
    if not golds or not preds:  # only missed, or only spurious, spans: every scheme agrees
        out[_MISSED if golds else _SPURIOUS] += len(golds or preds)
        return []
    strict = _assign(golds, preds, lambda same_bounds, same_label: same_bounds and same_label,
                     min_overlap)
    bounds = _assign(golds, preds, lambda same_bounds, same_label: same_bounds, min_overlap)
    typed = _assign(golds, preds, lambda same_bounds, same_label: same_label, min_overlap)
    for scheme, pairs, columns in ((_STRICT, strict, (_C, _I)), (_EXACT, bounds, (_C, _I)),
                                   (_PARTIAL, bounds, (_C, _P)), (_TYPE, typed, (_C, _I))):
        correct = _correct_test(scheme)
        for i, j in pairs:
            out[_code(scheme, columns[0] if correct(golds[i], preds[j]) else columns[1])] += 1
        out[_code(scheme, _M)] += len(golds) - len(pairs)
        out[_code(scheme, _S)] += len(preds) - len(pairs)
    return strict


def _enough(g, p, min_overlap: float) -> bool:
    """nervaluate 1.2.1's test: the overlap is at least ``min_overlap`` percent of the gold
    span (the same float expression, so the boundary cases agree)."""
    return (min(g[1], p[1]) - max(g[0], p[0])) / (g[1] - g[0]) * 100.0 >= min_overlap


_NOTHING = object()


def _span_order(span: MentionSpan) -> tuple:
    return span[0], span[1], span[2], span[3] or ""


def _kind(g: MentionSpan | None, p: MentionSpan | None) -> MatchKind:
    if p is None:
        return "missed"
    if g is None:
        return "spurious"
    same_bounds, same_label = g[0] == p[0] and g[1] == p[1], g[2] == p[2]
    return KINDS[(not same_bounds) * 2 + (not same_label)]


def _correct_test(scheme: int):
    if scheme == _STRICT:
        return lambda g, p: g[0] == p[0] and g[1] == p[1] and g[2] == p[2]
    if scheme == _TYPE:
        return lambda g, p: g[2] == p[2]
    return lambda g, p: g[0] == p[0] and g[1] == p[1]


def _assign(golds: list, preds: list, is_correct, min_overlap: float = 0.0) -> list[tuple[int, int]]:
    """One-to-one pairs of overlapping spans maximising, in order: pairs ``is_correct`` calls
    correct, matched pairs, then same boundaries, same label, IoU (a tie-break below 1).

    Only overlapping pairs get a weight (found by bisection on the sorted starts, so a run of
    n spans costs O(n log n), not an n-by-m matrix). Where no span overlaps more than two of
    the other side and the overlaps form no cycle (a chain, e.g. every prediction straddling
    two gold spans), the best matching is an exact dynamic programme along each chain;
    otherwise scipy's ``linear_sum_assignment`` on the weights. Spans overlapping less than
    ``min_overlap`` percent of the gold span never pair.
    """
    m = min(len(golds), len(preds))
    matched_weight = m + 1                        # > any total of tie-breaks (each < 1)
    correct_weight = m * (matched_weight + 1) + 1  # > any total of matched weights and tie-breaks
    edges = []  # (weight, gold index, pred index)
    for i, j in _overlapping_pairs(golds, preds):
        gs, ge, gl, _ = golds[i]
        ps, pe, pl, _ = preds[j]
        if min_overlap and not _enough((gs, ge), (ps, pe), min_overlap):
            continue
        same_bounds, same_label = gs == ps and ge == pe, gl == pl
        iou = (min(ge, pe) - max(gs, ps)) / (max(ge, pe) - min(gs, ps))
        edges.append((correct_weight * bool(is_correct(same_bounds, same_label))
                      + matched_weight + (4 * same_bounds + 2 * same_label + iou) / 8, i, j))
    if not edges:
        return []
    if len(golds) == 1 or len(preds) == 1:
        # one side has a single span: the best pair is a max (the first among equals)
        best = max(edges, key=lambda t: (t[0], -t[1], -t[2]))
        return [(best[1], best[2])]
    chains = _chains(edges, len(golds))
    if chains is not None:
        return sorted(pair for chain in chains for pair in _best_on_chain(chain))
    return _dense_assignment(edges, len(golds), len(preds))


def _overlapping_pairs(golds: list, preds: list) -> list[tuple[int, int]]:
    """``(i, j)`` of every gold and predicted span that overlap; both lists sorted by start.

    Two spans overlap exactly when one starts inside the other, so each pair is found once
    from the later-starting side (a gold span wins ties of start)."""
    from bisect import bisect_left, bisect_right

    gold_starts = [g[0] for g in golds]
    pred_starts = [p[0] for p in preds]
    pairs = []
    for i, g in enumerate(golds):  # predictions starting inside gold i (or with it)
        for j in range(bisect_left(pred_starts, g[0]), bisect_left(pred_starts, g[1])):
            pairs.append((i, j))
    for j, p in enumerate(preds):  # gold spans starting strictly inside prediction j
        for i in range(bisect_right(gold_starts, p[0]), bisect_left(gold_starts, p[1])):
            pairs.append((i, j))
    return pairs


def _chains(edges: list, n_gold: int) -> list[list] | None:
    """The edges as chains (paths, each edge list in path order) when no node touches more
    than two edges and there is no cycle; else None. Nodes: gold ``i``, prediction ``n_gold + j``."""
    touching: dict[int, list] = {}
    for edge in edges:
        for node in (edge[1], n_gold + edge[2]):
            at = touching.setdefault(node, [])
            if len(at) == 2:
                return None
            at.append(edge)
    chains, used = [], set()
    for node in sorted(touching):  # walk each path from one of its two ends
        if len(touching[node]) != 1 or id(touching[node][0]) in used:
            continue
        chain, edge = [], touching[node][0]
        while edge is not None:
            used.add(id(edge))
            chain.append(edge)
            ends = (edge[1], n_gold + edge[2])
            node = ends[1] if node == ends[0] else ends[0]  # step to the edge's other end
            edge = next((e for e in touching[node] if id(e) not in used), None)
        chains.append(chain)
    if len(used) != len(edges):  # the edges left over form cycles
        return None
    return chains


def _best_on_chain(chain: list) -> list[tuple[int, int]]:
    """Heaviest set of edges of a path no two of which share a node (consecutive edges do).

    ``best[k]``: the best total over the first k edges; taking edge k excludes edge k - 1.
    Among equal totals, the earlier edge is kept."""
    best = [0.0, chain[0][0]]
    for k in range(1, len(chain)):
        best.append(max(best[k], best[k - 1] + chain[k][0]))
    pairs, k = [], len(chain)
    while k > 0:
        if k >= 2 and best[k] == best[k - 1]:  # edge k - 1 (0-based) is not needed
            k -= 1
        else:
            pairs.append((chain[k - 1][1], chain[k - 1][2]))
            k -= 2
    return pairs


def _dense_assignment(edges: list, n_gold: int, n_pred: int) -> list[tuple[int, int]]:
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    weights = np.zeros((n_gold, n_pred))
    for w, i, j in edges:
        weights[i, j] = w
    rows, cols = linear_sum_assignment(weights, maximize=True)
    return [(int(i), int(j)) for i, j in zip(rows, cols) if weights[i, j] > 0]


def _bad(doc_id: str, side: str, span) -> bool:
    raise ValueError(f"document {doc_id!r}: {side} mention {tuple(span)!r}: fields start/end: "
                     f"found start={span[0]!r}, end={span[1]!r}, expected 0 <= start < end")


def _bad_types(doc_id: str, gold, pred) -> None:
    for side, spans in (("gold", gold), ("pred", pred)):
        for span in spans:
            if not (isinstance(span[0], int) and isinstance(span[1], int)):
                raise ValueError(f"document {doc_id!r}: {side} mention {tuple(span)!r}: fields "
                                 f"start/end: found {type(span[0]).__name__}/"
                                 f"{type(span[1]).__name__}, expected integers")
    raise ValueError(f"document {doc_id!r}: mentions are not (start, end, label, entity) tuples")
