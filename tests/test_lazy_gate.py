"""The gate read lazily (``claims._match``: only the pairs the assignment needs) against the
gate read on every pair (``similarity.similarity_matrix``, then the solver on that matrix, as
claim scoring did before), on random documents full of ties, with a fake matcher and a fake
gate; and the tie test (``assignment.tied_alternative``) against every assignment enumerated."""

from __future__ import annotations

import itertools
from unittest import mock

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.schema import PredClaim
from toolkit.scoring import similarity
from toolkit.scoring.assignment import TIE, max_weight_assignment, tied_alternative
from toolkit.scoring.claims import SWEEP_THRESHOLDS, assign, score_claims
from toolkit.scoring.matchers import ClaimMatcher
from toolkit.scoring.similarity import ClaimMatching, similarity_matrix

#: the claims' names: letters, not digits (a statement stating no number, date or negation
#: is one the gate's matrix checks refuse nowhere: the fake gate alone decides)
NAME = "abcdefgh"
# few distinct values, so that totals tie often (0.25 + 0.75 == 0.5 + 0.5 == 1.0 ...)
SIMS = st.sampled_from([0.0, 0.0, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.5, 0.6, 0.7, 0.75, 0.8, 1.0])


class TableMatcher(ClaimMatcher):
    """Similarities looked up in a table: (predicted text, reference) -> similarity."""

    name = "table"

    def __init__(self, table):
        super().__init__()
        self.table = table

    def similarity(self, pairs):
        return np.array([self.table[pair] for pair in pairs])


@st.composite
def documents(draw):
    """A document's gold and predicted claims, each gold claim with one or two references (a
    statement and maybe span text), the matcher's similarity of every (prediction, reference)
    and the fake gate's verdict on it."""
    n, m = draw(st.integers(0, 6)), draw(st.integers(0, 6))
    gold = []
    for i in range(n):
        two = draw(st.booleans())
        span = {"start": i, "end": i + 1, "text": f"span {NAME[i]}"} if two else None
        gold.append(PredClaim(statement=f"gold {NAME[i]}", span=span))
    pred = [PredClaim(statement=f"pred {NAME[j]}") for j in range(m)]
    table, refused = {}, {}
    for i, g in enumerate(gold):
        for ref in similarity.references(g):
            for j in range(m):
                table[(f"pred {NAME[j]}", ref)] = draw(SIMS)
                refused[(f"pred {NAME[j]}", ref)] = draw(st.booleans())
    return gold, pred, table, refused


def fake_refusal(refused):
    def refusal(pred, gold, key_entities=(), document=None):
        return f"fake: {pred} against {gold}" if refused[(pred, gold)] else None
    return refusal


def fake_gate(refusal):
    """The fake gate in place of both checks the claim scorer reads pair by pair: the whole
    gate (a reason written) and its checks after the facts (the statements here state no
    number, date or negation, so the matrix checks refuse nothing)."""
    return mock.patch.multiple(similarity, refusal=refusal, participants_refusal=refusal)


def everything_gated(gold, pred, matching, threshold):
    """What claim scoring counted before the gate was read lazily: every pair through the gate,
    the solver on the gated matrix, the refusals by the rule ``ClaimRefusal`` states."""
    matrix, refused = similarity_matrix(gold, pred, matching, "d")
    rows, cols = max_weight_assignment(matrix)
    assigned = [(int(i), int(j), float(matrix[i, j])) for i, j in zip(rows, cols)]
    pairs = [(i, j, s) for i, j, s in assigned if s >= threshold]
    missed = set(range(len(gold))) - {i for i, _, _ in pairs}
    spurious = set(range(len(pred))) - {j for _, j, _ in pairs}
    best = {}  # the most similar refused pair reaching the threshold, per unmatched claim
    for (i, j), (sim, reason) in sorted(refused.items()):
        if sim < threshold or (i not in missed and j not in spurious):
            continue
        key = ("pred", j) if j in spurious else ("gold", i)
        if key not in best or best[key][2] < sim:
            best[key] = (i, j, sim, reason)
    return {"pairs": pairs, "assigned": sorted(s for _, _, s in assigned),
            "missed": sorted(missed), "spurious": sorted(spurious),
            "refusals": sorted(set(best.values()), key=lambda r: (r[1], r[0])),
            "sweep": [sum(s >= t for _, _, s in assigned) for t in SWEEP_THRESHOLDS]}


def lazily_gated(gold, pred, matching, threshold):
    result = score_claims({"d": gold}, {"d": pred}, threshold=threshold, matching=matching)
    return {"pairs": [(p.gold, p.pred, p.similarity) for p in result.pairs],
            "assigned": sorted(result.assigned),
            "missed": [i for _, i in result.unmatched_gold],
            "spurious": [j for _, j in result.unmatched_pred],
            "refusals": [(r.gold, r.pred, r.similarity, r.reason) for r in result.refusals],
            "sweep": [sum(s >= t for s in result.assigned) for t in SWEEP_THRESHOLDS]}, result


@settings(max_examples=500, deadline=None)
@given(documents(), st.sampled_from([0.25, 0.5, 0.7, 1.0]))
def test_the_lazy_gate_counts_what_gating_every_pair_counts(document, threshold):
    gold, pred, table, refused = document
    matching = ClaimMatching(TableMatcher(table))
    with fake_gate(fake_refusal(refused)):
        want = everything_gated(gold, pred, matching, threshold)
        got, result = lazily_gated(gold, pred, matching, threshold)
        assigned = assign(gold, pred, matching, "d")  # the public assignment, the same way
    assert got == want
    assert sorted(sim for _, _, sim in assigned) == want["assigned"]
    assert [(i, j, sim) for i, j, sim in assigned if sim >= threshold] == want["pairs"]
    assert result.tally.gated <= len(gold) * len(pred)


def test_a_tie_the_gate_could_break_reads_every_pair():
    """Gold 1 is as similar (1.0) to predictions 2 and 3; read lazily, the solver's choice
    between them could differ from its choice on the matrix gated everywhere (it does, on this
    matrix, without ``tied_alternative``): every pair is read and the solver has the last word
    on the fully gated matrix."""
    before = [[0.25, 1.0, 0.5, 0.1, 0.3, 0.0], [0.25, 0.5, 1.0, 1.0, 0.1, 0.6]]
    after = [[0.0, 0.0, 0.0, 0.1, 0.3, 0.0], [0.0, 0.5, 1.0, 1.0, 0.1, 0.0]]
    gold = [PredClaim(statement=f"gold {NAME[i]}") for i in range(2)]
    pred = [PredClaim(statement=f"pred {NAME[j]}") for j in range(6)]
    table = {(f"pred {NAME[j]}", f"gold {NAME[i]}"): before[i][j] for i in range(2) for j in range(6)}
    refused = {(f"pred {NAME[j]}", f"gold {NAME[i]}"): after[i][j] < before[i][j]
               for i in range(2) for j in range(6)}
    matching = ClaimMatching(TableMatcher(table))
    with fake_gate(fake_refusal(refused)):
        want = everything_gated(gold, pred, matching, 0.5)
        got, result = lazily_gated(gold, pred, matching, 0.5)
    assert got == want
    assert result.tally.gated == 11  # every pair with a similarity above 0


def test_the_lazy_gate_reads_only_the_pairs_it_needs():
    """Two claims each side, every pair above 0, one pair the gate refuses (gold 1, pred 0,
    below the threshold): the first assignment (the diagonal) is read and holds; the
    off-diagonal pairs are never read."""
    gold = [PredClaim(statement="gold a"), PredClaim(statement="gold b")]
    pred = [PredClaim(statement="pred a"), PredClaim(statement="pred b")]
    table = {("pred a", "gold a"): 0.9, ("pred b", "gold a"): 0.2,
             ("pred a", "gold b"): 0.3, ("pred b", "gold b"): 0.8}
    refused = {pair: pair == ("pred a", "gold b") for pair in table}
    read = []

    def refusal(pred, gold, key_entities=(), document=None):
        read.append((pred, gold))
        return "fake" if refused[(pred, gold)] else None

    with fake_gate(refusal):
        result = score_claims({"d": gold}, {"d": pred}, threshold=0.5,
                              matching=ClaimMatching(TableMatcher(table)))
    assert sorted(read) == [("pred a", "gold a"), ("pred b", "gold b")]
    assert result.tally.gated == 2 and result.counts.tp == 2


# --- the tie test against every assignment ------------------------------------------------------


def every_assignment(n, m):
    """Every assignment of the smaller side into the larger, as sets of (row, column)."""
    if n <= m:
        return [set(zip(range(n), cols)) for cols in itertools.permutations(range(m), n)]
    return [set(zip(rows, range(m))) for rows in itertools.permutations(range(n), m)]


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 5), st.integers(1, 5), st.data())
def test_tied_alternative_finds_exactly_the_tied_assignments_that_differ_in_a_positive_pair(n, m, data):
    weights = np.array(data.draw(st.lists(SIMS, min_size=n * m, max_size=n * m))).reshape(n, m)
    rows, cols = max_weight_assignment(weights)
    best = set(zip(rows.tolist(), cols.tolist()))
    total = sum(weights[p] for p in best)
    kept = {p for p in best if weights[p] > 0}
    tied = [a for a in every_assignment(n, m)
            if sum(weights[p] for p in a) >= total - TIE and {p for p in a if weights[p] > 0} != kept]
    assert tied_alternative(weights, rows, cols) == bool(tied)
