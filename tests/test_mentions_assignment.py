"""The mention assignment's fast paths (chains, sparse overlap pairs) against the dense
assignment they replace: scipy's ``linear_sum_assignment`` on the full gold-by-prediction
weight matrix, the oracle here."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from toolkit.scoring import assignment
from toolkit.scoring.assignment import best_pairs, span_order
from toolkit.scoring.mentions import MentionSpan, score_mentions

S = MentionSpan
TESTS = {  # the three assignments the schemes ask for
    "strict": lambda same_bounds, same_label: same_bounds and same_label,
    "bounds": lambda same_bounds, same_label: same_bounds,
    "type": lambda same_bounds, same_label: same_label,
}


def dense_weights(golds, preds, is_correct) -> np.ndarray:
    """Every gold/prediction pair's weight, as the scorer defines it (0: no overlap)."""
    m = min(len(golds), len(preds))
    matched, correct = m + 1, m * (m + 2) + 1
    w = np.zeros((len(golds), len(preds)))
    for i, (gs, ge, gl, _) in enumerate(golds):
        for j, (ps, pe, pl, _) in enumerate(preds):
            if gs < pe and ps < ge:
                same_bounds, same_label = gs == ps and ge == pe, gl == pl
                iou = (min(ge, pe) - max(gs, ps)) / (max(ge, pe) - min(gs, ps))
                w[i, j] = (correct * bool(is_correct(same_bounds, same_label)) + matched
                           + (4 * same_bounds + 2 * same_label + iou) / 8)
    return w


def dense_total(w: np.ndarray) -> float:
    rows, cols = linear_sum_assignment(w, maximize=True)
    return float(w[rows, cols].sum())


def spans(draw, n: int, width: int, labels=("PER", "ORG")) -> list[MentionSpan]:
    out = []
    for _ in range(n):
        start = draw(st.integers(0, width))
        out.append(S(start, start + draw(st.integers(1, 8)), draw(st.sampled_from(labels))))
    return sorted(set(out), key=span_order)


@st.composite
def groups(draw):
    """Random small groups, about half of them chains (each prediction straddling two gold
    spans, with random shifts, labels and gaps), where the fast path runs."""
    if draw(st.booleans()):
        return spans(draw, draw(st.integers(1, 6)), 20), spans(draw, draw(st.integers(1, 6)), 20)
    n = draw(st.integers(2, 7))
    golds, preds, cursor = [], [], 0
    for _ in range(n):
        length = draw(st.integers(2, 8))
        golds.append(S(cursor, cursor + length, draw(st.sampled_from(["PER", "ORG"]))))
        cursor += length + draw(st.integers(0, 1))
    for g, nxt in zip(golds, golds[1:]):
        if draw(st.integers(0, 4)):  # sometimes no prediction here
            start = draw(st.integers(g.start + 1, g.end - 1))
            end = draw(st.integers(nxt.start + 1, nxt.end))
            preds.append(S(start, end, draw(st.sampled_from(["PER", "ORG"]))))
    return sorted(golds, key=span_order), sorted(preds, key=span_order)


@settings(max_examples=400, deadline=None)
@given(groups(), st.sampled_from(sorted(TESTS)))
def test_fast_assignment_is_as_good_as_the_dense_one(group, test):
    golds, preds = group
    pairs = best_pairs(golds, preds, TESTS[test])
    w = dense_weights(golds, preds, TESTS[test])
    assert len({i for i, _ in pairs}) == len({j for _, j in pairs}) == len(pairs)  # one-to-one
    assert all(w[i, j] > 0 for i, j in pairs)  # only overlapping pairs
    assert sum(w[i, j] for i, j in pairs) == pytest.approx(dense_total(w), rel=1e-12, abs=1e-12)


def test_a_chain_takes_the_chain_path_and_keeps_the_unique_optimum():
    # gold [0,10) [10,20) ..., predictions [5,15) [15,25) ...: the worst case
    n = 50
    golds = [S(10 * k, 10 * k + 10, "PER") for k in range(n)]
    preds = [S(10 * k + 5, 10 * k + 15, "PER") for k in range(n)]
    assert assignment.chains([(1.0, i, j) for i, j in assignment.overlapping_pairs(golds, preds)],
                            n) is not None
    for test in TESTS.values():
        w = dense_weights(golds, preds, test)
        rows, cols = linear_sum_assignment(w, maximize=True)
        assert best_pairs(golds, preds, test) == sorted(zip(rows.tolist(), cols.tolist()))


def test_cycles_and_busy_spans_fall_back_to_the_dense_assignment():
    # two gold spans each overlapping the same two predictions: a cycle
    golds = [S(0, 10, "PER"), S(2, 12, "ORG")]
    preds = [S(1, 11, "ORG"), S(3, 13, "PER")]
    edges = [(1.0, i, j) for i, j in assignment.overlapping_pairs(golds, preds)]
    assert len(edges) == 4 and assignment.chains(edges, 2) is None
    w = dense_weights(golds, preds, TESTS["type"])
    assert sum(w[i, j] for i, j in best_pairs(golds, preds, TESTS["type"])) == pytest.approx(dense_total(w))


def test_scores_on_a_long_chain_are_those_of_the_dense_assignment(monkeypatch):
    n = 300
    gold = {"d": [S(10 * k, 10 * k + 10, "PER" if k % 3 else "ORG") for k in range(n)]}
    pred = {"d": [S(10 * k + 5, 10 * k + 15, "PER" if k % 4 else "ORG") for k in range(n)]}
    fast = score_mentions(gold, pred)
    monkeypatch.setattr(assignment, "chains", lambda edges, n_gold: None)  # force the dense path
    dense = score_mentions(gold, pred)
    assert fast.micro == dense.micro and fast.per_label == dense.per_label
    assert fast.matches == dense.matches
    assert fast.micro["exact"].incorrect == n  # every prediction is paired, none exactly


@pytest.mark.parametrize("gold_end, agrees", [(100, True), (101, False), (200, False)])
def test_nervaluate_ignores_overlaps_under_one_percent_of_the_gold_span(gold_end, agrees):
    # docs/scoring.md: equal to nervaluate on disjoint spans only when each overlap covers
    # at least 1% of the gold span (100 * overlap >= gold length)
    nervaluate = pytest.importorskip("nervaluate")
    gold, pred = [S(0, gold_end, "PERSON")], [S(0, 1, "PERSON")]
    ours = score_mentions({"d": gold}, {"d": pred}).micro["type"].f1
    rows = lambda spans: [[{"label": s.label, "start": s.start, "end": s.end - 1} for s in spans]]  # noqa: E731
    theirs = nervaluate.Evaluator(rows(gold), rows(pred), tags=["PERSON"],
                                  loader="dict").evaluate()["overall"]["ent_type"].f1
    assert ours == 1.0
    assert (theirs == ours) is agrees


# --- the solver: lap's Jonker-Volgenant against scipy's linear_sum_assignment ------------------

weights_st = st.integers(1, 7).flatmap(lambda n: st.integers(1, 7).flatmap(
    lambda m: st.one_of(
        # generic weights: one best assignment, which both solvers must return
        st.lists(st.floats(0.001, 1.0), min_size=n * m, max_size=n * m),
        # few distinct values: ties, where only the total is defined
        st.lists(st.sampled_from([0.0, 0.5, 1.0]), min_size=n * m, max_size=n * m),
        st.lists(st.sampled_from([0.0, 3.0]), min_size=n * m, max_size=n * m),
    ).map(lambda values: np.array(values).reshape(n, m))))


@settings(max_examples=400, deadline=None)
@given(weights_st)
def test_max_weight_assignment_equals_scipy(weights):
    """Square and rectangular, with and without ties: every row of the smaller side assigned,
    rows ascending, the same best total; with distinct totals the same pairs as scipy."""
    rows, cols = assignment.max_weight_assignment(weights)
    want_rows, want_cols = linear_sum_assignment(weights, maximize=True)
    assert len(rows) == len(want_rows) == min(weights.shape)
    assert list(rows) == sorted(rows) and len(set(cols)) == len(cols)
    assert weights[rows, cols].sum() == pytest.approx(weights[want_rows, want_cols].sum(), abs=1e-9)
    values = np.unique(weights)
    if len(values) == weights.size:  # all weights distinct: the best assignment is unique a.s.
        assert (rows == want_rows).all() and (cols == want_cols).all()


def test_max_weight_assignment_of_an_empty_matrix():
    for shape in ((0, 0), (0, 3), (2, 0)):
        rows, cols = assignment.max_weight_assignment(np.zeros(shape))
        assert rows.size == cols.size == 0


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(1, 6), st.sampled_from("AB")),
                min_size=1, max_size=9),
       st.lists(st.tuples(st.integers(0, 30), st.integers(1, 6), st.sampled_from("AB")),
                min_size=1, max_size=9))
def test_scheme_counts_do_not_depend_on_which_best_assignment(gold, pred):
    """The dense path's weights rank correct pairs, then matched pairs, above any tie-break, so
    every best assignment (lap's or scipy's) gives each scheme the same correct and matched
    counts, ties or not."""
    golds = sorted({(s, s + n, lab, None) for s, n, lab in gold}, key=span_order)
    preds = sorted({(s, s + n, lab, None) for s, n, lab in pred}, key=span_order)
    for test in TESTS.values():
        ours = best_pairs(golds, preds, test)
        w = dense_weights(golds, preds, test)
        rows, cols = linear_sum_assignment(w, maximize=True)
        theirs = [(i, j) for i, j in zip(rows, cols) if w[i, j] > 0]

        def counts(pairs):
            return (sum(bool(test(golds[i][:2] == preds[j][:2], golds[i][2] == preds[j][2]))
                        for i, j in pairs), len(pairs))

        assert counts(ours) == counts(theirs)
