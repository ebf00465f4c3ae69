"""The mention scorer against the reference tools themselves: nervaluate 1.2.1 and seqeval 1.2.2
(versions pinned in pyproject's ``test`` extra), on randomised inputs (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.scoring.mentions import MentionSpan, score_mentions
from toolkit.scoring.schemes import SCHEMES

nervaluate = pytest.importorskip("nervaluate")
seqeval_metrics = pytest.importorskip("seqeval.metrics")
from seqeval.scheme import IOB2  # noqa: E402

LABELS = ("PER", "ORG", "LOC")
NERVALUATE_SCHEME = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}
SEQEVAL = {"precision": "precision", "recall": "recall", "f1": "f1-score"}


def test_pinned_versions():
    from importlib.metadata import version

    assert version("nervaluate") == "1.2.1"
    assert version("seqeval") == "1.2.2"
    assert version("conlleval") == "0.2"


# --- generators ---------------------------------------------------------------------------------


@st.composite
def disjoint_spans(draw, max_len: int = 8):
    """Non-overlapping spans laid out left to right (lengths <= 8, so any overlap clears
    nervaluate's default 1% minimum)."""
    spans, cursor = [], 0
    for gap, length, label in draw(st.lists(st.tuples(st.integers(0, 4), st.integers(1, max_len),
                                                       st.sampled_from(LABELS)), max_size=8)):
        start = cursor + gap
        spans.append(MentionSpan(start, start + length, label))
        cursor = start + length
    return spans


@st.composite
def document(draw):
    """Disjoint gold, and disjoint predictions derived from it (kept, dropped, relabelled,
    boundary-shifted) plus random extra spans, so every kind of match shows up."""
    gold = draw(disjoint_spans())
    candidates = []
    for g in gold:
        action = draw(st.sampled_from(("keep", "drop", "relabel", "shift", "both")))
        if action == "drop":
            continue
        start, end = g.start, g.end
        if action in ("shift", "both"):
            start = max(0, start + draw(st.integers(-3, 3)))
            end = max(start + 1, end + draw(st.integers(-3, 3)))
        label = draw(st.sampled_from(LABELS)) if action in ("relabel", "both") else g.label
        candidates.append(MentionSpan(start, end, label))
    candidates += draw(disjoint_spans())
    pred, reach = [], 0
    for span in sorted(candidates):  # keep them disjoint: drop any overlapping a kept one
        if span.start >= reach:
            pred.append(span)
            reach = span.end
    return gold, pred


corpora = st.lists(document(), min_size=1, max_size=4)


def _as_dicts(corpus):
    gold = {f"d{i}": g for i, (g, _) in enumerate(corpus)}
    pred = {f"d{i}": p for i, (_, p) in enumerate(corpus)}
    return gold, pred


def _nervaluate(corpus, min_overlap: float = 1.0, view: str = "overall"):
    def rows(spans):  # nervaluate reads `end` as inclusive
        return [{"label": s.label, "start": s.start, "end": s.end - 1} for s in spans]

    evaluator = nervaluate.Evaluator([rows(g) for g, _ in corpus], [rows(p) for _, p in corpus],
                                     tags=list(LABELS), loader="dict",
                                     min_overlap_percentage=min_overlap)
    return evaluator.evaluate()[view]


def _each_gold_overlaps_at_most_one_prediction(corpus) -> bool:
    return all(sum(g.start < p.end and p.start < g.end for p in pred) <= 1
               for gold, pred in corpus for g in gold)


COUNTS = ("correct", "incorrect", "partial", "missed", "spurious", "possible", "actual")


def _assert_same(ours, theirs):
    assert {k: getattr(ours, k) for k in COUNTS} == {k: getattr(theirs, k) for k in COUNTS}
    for metric in ("precision", "recall", "f1"):
        assert getattr(ours, metric) == pytest.approx(getattr(theirs, metric), abs=1e-12), metric


# --- nervaluate ---------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(corpora)
def test_all_schemes_equal_nervaluate(corpus):
    result = score_mentions(*_as_dicts(corpus))
    theirs = _nervaluate(corpus)
    for scheme in ("strict", "exact", "partial"):
        _assert_same(result.micro[scheme], theirs[NERVALUATE_SCHEME[scheme]])
    # nervaluate's type scheme is greedy: a wrong-label prediction can take a gold span that a
    # later same-label prediction overlaps (see test_type_scheme_where_nervaluate_is_greedy).
    # Where no gold span overlaps two predictions, there is nothing to choose and we agree.
    if _each_gold_overlaps_at_most_one_prediction(corpus):
        _assert_same(result.micro["type"], theirs["ent_type"])
    else:
        assert result.micro["type"].correct >= theirs["ent_type"].correct


@settings(max_examples=200, deadline=None)
@given(corpora)
def test_per_label_equals_nervaluate_per_tag(corpus):
    # nervaluate 1.2.1 scores each tag's spans alone, on both sides: so do we
    result = score_mentions(*_as_dicts(corpus))
    theirs = _nervaluate(corpus, view="entities")
    assert set(result.per_label) == set(theirs)
    for label, schemes in result.per_label.items():
        for scheme in ("strict", "exact", "partial"):
            _assert_same(schemes[scheme], theirs[label][NERVALUATE_SCHEME[scheme]])
        alone = [([g for g in gold if g.label == label], [p for p in pred if p.label == label])
                 for gold, pred in corpus]
        if _each_gold_overlaps_at_most_one_prediction(alone):
            _assert_same(schemes["type"], theirs[label]["ent_type"])


@st.composite
def long_document(draw):
    """Disjoint gold and disjoint predictions with long spans and shifts, so the overlap
    percentage of a pair takes many values (including exactly 50 and 75)."""
    gold, cursor = [], 0
    for gap, length, label in draw(st.lists(st.tuples(st.integers(0, 6), st.sampled_from(
            (1, 2, 3, 4, 8, 20, 100, 150, 250)), st.sampled_from(LABELS)), max_size=6)):
        gold.append(MentionSpan(cursor + gap, cursor + gap + length, label))
        cursor = cursor + gap + length
    candidates = []
    for g in gold:
        length = g.end - g.start
        start = max(0, g.start + draw(st.integers(-length, length)))
        end = start + draw(st.integers(1, 2 * length))
        label = draw(st.sampled_from((g.label, g.label, *LABELS)))
        candidates.append(MentionSpan(start, end, label))
    pred, reach = [], 0
    for span in sorted(candidates):
        if span.start >= reach:
            pred.append(span)
            reach = span.end
    return gold, pred


@pytest.mark.parametrize("min_overlap", [1, 50, 51, 75, 100])
@settings(max_examples=120, deadline=None)
@given(corpus=st.lists(long_document(), min_size=1, max_size=3))
def test_min_overlap_equals_nervaluate(min_overlap, corpus):
    result = score_mentions(*_as_dicts(corpus), min_overlap=min_overlap)
    overall = _nervaluate(corpus, min_overlap=min_overlap)
    per_tag = _nervaluate(corpus, min_overlap=min_overlap, view="entities")
    for scheme in ("strict", "exact", "partial"):
        _assert_same(result.micro[scheme], overall[NERVALUATE_SCHEME[scheme]])
        for label, schemes in result.per_label.items():
            _assert_same(schemes[scheme], per_tag[label][NERVALUATE_SCHEME[scheme]])
    if _each_gold_overlaps_at_most_one_prediction(corpus):
        _assert_same(result.micro["type"], overall["ent_type"])


@pytest.mark.parametrize("min_overlap, paired", [(1, True), (50, True), (51, False)])
def test_min_overlap_boundary(min_overlap, paired):
    # the prediction covers exactly half of the gold span
    corpus = [([MentionSpan(0, 10, "PER")], [MentionSpan(5, 12, "PER")])]
    ours = score_mentions(*_as_dicts(corpus), min_overlap=min_overlap).micro["partial"]
    theirs = _nervaluate(corpus, min_overlap=min_overlap)["partial"]
    _assert_same(ours, theirs)
    assert (ours.partial == 1) is paired


@settings(max_examples=200, deadline=None)
@given(corpora)
def test_type_scheme_equals_nervaluate_without_choices(corpus):
    # the same inputs, restricted so every gold span overlaps at most one prediction
    corpus = [(gold, [p for p in pred if not any(q is not p and q.start < g.end and g.start < q.end
                                                     and p.start < g.end and g.start < p.end
                                                     for g in gold for q in pred)])
              for gold, pred in corpus]
    assert _each_gold_overlaps_at_most_one_prediction(corpus)
    _assert_same(score_mentions(*_as_dicts(corpus)).micro["type"], _nervaluate(corpus)["ent_type"])


def test_type_scheme_where_nervaluate_is_greedy():
    # gold PER 0-10; the ORG prediction comes first and nervaluate pairs it with the gold span,
    # so the PER prediction (same label, overlapping) is spurious. We pair the PER one.
    gold = [MentionSpan(0, 10, "PER")]
    pred = [MentionSpan(0, 3, "ORG"), MentionSpan(5, 10, "PER")]
    theirs = _nervaluate([(gold, pred)])["ent_type"]
    ours = score_mentions({"d": gold}, {"d": pred}).micro["type"]
    assert (theirs.correct, theirs.incorrect, theirs.spurious) == (0, 1, 1)
    assert (ours.correct, ours.incorrect, ours.spurious) == (1, 0, 1)


# --- seqeval ------------------------------------------------------------------------------------


def _bio(spans, length):
    """Token-level IOB2 tags with one token per character, so boundaries are exact."""
    tags = ["O"] * length
    for s in spans:
        tags[s.start] = f"B-{s.label}"
        for i in range(s.start + 1, s.end):
            tags[i] = f"I-{s.label}"
    return tags


def _bio_corpus(corpus):
    lengths = [max((s.end for s in g + p), default=0) + 1 for g, p in corpus]
    return ([_bio(g, n) for (g, _), n in zip(corpus, lengths)],
            [_bio(p, n) for (_, p), n in zip(corpus, lengths)])


# seqeval averages over labels absent from a sample with numpy, which warns; not our concern
seqeval_warnings = pytest.mark.filterwarnings("ignore:Mean of empty slice",
                                              "ignore:invalid value encountered")


@seqeval_warnings
@settings(max_examples=300, deadline=None)
@given(corpora)
def test_strict_equals_seqeval_strict_iob2(corpus):
    strict = score_mentions(*_as_dicts(corpus)).micro["strict"]
    y_true, y_pred = _bio_corpus(corpus)
    kwargs = {"mode": "strict", "scheme": IOB2, "zero_division": 0}
    report = seqeval_metrics.classification_report(y_true, y_pred, output_dict=True, **kwargs)
    micro = report["micro avg"]
    assert strict.f1 == pytest.approx(seqeval_metrics.f1_score(y_true, y_pred, **kwargs), abs=1e-12)
    assert strict.precision == pytest.approx(micro["precision"], abs=1e-12)
    assert strict.recall == pytest.approx(micro["recall"], abs=1e-12)
    assert strict.possible == micro["support"]


@seqeval_warnings
@settings(max_examples=200, deadline=None)
@given(corpora)
def test_per_label_and_macro_strict_equal_seqeval_report(corpus):
    # per label, precision is over the predictions of that label: seqeval's strict report
    result = score_mentions(*_as_dicts(corpus))
    y_true, y_pred = _bio_corpus(corpus)
    report = seqeval_metrics.classification_report(y_true, y_pred, output_dict=True,
                                                   mode="strict", scheme=IOB2, zero_division=0)
    labels = {k for k in report if not k.endswith(" avg")}
    assert set(result.per_label) == labels
    for label, schemes in result.per_label.items():
        strict = schemes["strict"]
        for metric in ("precision", "recall", "f1"):
            assert getattr(strict, metric) == pytest.approx(report[label][SEQEVAL[metric]], abs=1e-12)
        assert strict.possible == report[label]["support"]
    if labels:
        for metric in ("precision", "recall", "f1"):
            assert result.macro["strict"][metric] == pytest.approx(
                report["macro avg"][SEQEVAL[metric]], abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(corpora)
def test_per_label_strict_counts_equal_conlleval(corpus):
    # conlleval (CoNLL-2000's script, in Python) per chunk type: correct, predicted, gold
    conlleval = pytest.importorskip("conlleval")
    y_true, y_pred = _bio_corpus(corpus)
    lines = []
    for gold_tags, pred_tags in zip(y_true, y_pred):
        lines += [f"x {g} {p}" for g, p in zip(gold_tags, pred_tags)] + [""]
    theirs = conlleval.evaluate(lines)
    result = score_mentions(*_as_dicts(corpus))
    slots = theirs["slots"]["chunks"]
    assert set(result.per_label) == set(slots)
    for label, schemes in result.per_label.items():
        strict, stats = schemes["strict"], slots[label]["stats"]
        assert (strict.correct, strict.actual, strict.possible) == \
            (stats["correct"], stats["pred"], stats["gold"])
        if strict.actual:  # conlleval calls precision 1 when nothing was predicted; we call it 0
            assert strict.precision == pytest.approx(slots[label]["evals"]["prec"], abs=1e-12)
        assert strict.recall == pytest.approx(slots[label]["evals"]["rec"], abs=1e-12)
    overall = theirs["overall"]["chunks"]["stats"]
    micro = result.micro["strict"]
    assert (micro.correct, micro.actual, micro.possible) == \
        (overall["correct"], overall["pred"], overall["gold"])


def test_macro_counts_a_label_seen_only_in_predictions():
    # gold [LOC 0-5, PER 10-15], predicted [ORG 0-5, PER 10-15]: seqeval's macro F1 is 1/3
    corpus = [([MentionSpan(0, 5, "LOC"), MentionSpan(10, 15, "PER")],
               [MentionSpan(0, 5, "ORG"), MentionSpan(10, 15, "PER")])]
    y_true, y_pred = _bio_corpus(corpus)
    report = seqeval_metrics.classification_report(y_true, y_pred, output_dict=True,
                                                   mode="strict", scheme=IOB2, zero_division=0)
    result = score_mentions(*_as_dicts(corpus))
    assert result.macro["strict"]["f1"] == pytest.approx(report["macro avg"]["f1-score"]) == 1 / 3


def test_schemes_cover_the_reference_names():
    assert set(NERVALUATE_SCHEME) == set(SCHEMES)


# --- the per-document macro average (HIPE) ---------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(st.lists(document(), min_size=1, max_size=6))
def test_per_document_macro_average_is_hipes_over_nervaluates_documents(corpus):
    # the HIPE scorer's macro_doc: each document's nervaluate P, R, F1, averaged over the
    # documents with predictions (P), with gold (R), with both (F1)
    import numpy as np

    from toolkit.scoring.report import mentions_section

    ours = mentions_section(score_mentions(*_as_dicts(corpus)))["macro_document"]
    for scheme in ("strict", "exact", "partial"):
        per_doc = [_nervaluate([doc])[NERVALUATE_SCHEME[scheme]] for doc in corpus]
        for metric, kept in (("precision", lambda r: r.actual), ("recall", lambda r: r.possible),
                             ("f1", lambda r: r.actual and r.possible)):
            values = [getattr(r, metric) for r in per_doc if kept(r)]
            expected = float(np.mean(values)) if values else None
            assert ours[scheme][metric] == pytest.approx(expected, abs=1e-12), (scheme, metric)
            assert ours[scheme][f"{metric}_std"] == pytest.approx(
                float(np.std(values)) if values else None, abs=1e-12)
        assert ours[scheme]["documents_with_both"] == sum(
            bool(r.actual and r.possible) for r in per_doc)
