"""The gate's checks on many pairs at once (``gate.refused_by_facts``: number, date and
negation) against the same checks one pair at a time (``gate.fact_refusal``), on the statements
of the claim-matcher calibration set; and claim scoring, which refuses its documents' pairs
with them before reading the rest one by one, against a reference that reads every pair one by
one."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

from toolkit.schema import PredClaim
from toolkit.scoring import gate
from toolkit.scoring.assignment import max_weight_assignment
from toolkit.scoring.claims import score_claims
from toolkit.scoring.matchers import ClaimMatcher
from toolkit.scoring.similarity import ClaimMatching, references, similarity_matrix

CALIBRATION = Path(__file__).resolve().parent.parent / "benchmarks" / "claims_calibration.jsonl"


@pytest.fixture(scope="module")
def statements() -> list[str]:
    rows = [json.loads(line) for line in CALIBRATION.read_text(encoding="utf-8").splitlines()]
    texts = sorted({r["gold"] for r in rows} | {r["candidate"] for r in rows})
    # statements the calibration set lacks: bounds, units, ambiguous and anaphoric counts
    return texts + EDGES


#: statements the calibration set lacks: bounds, units, ambiguous and anaphoric counts, a
#: value equal to another only within rounding
EDGES = ["over 10,000 troops", "fewer than 10,000 troops", "10,000 troops", "a three-day visit",
         "a three-week visit", "the two countries met", "two countries met", "one of them",
         "$5 million", "5 million euros", "5%", "five percent", "first in May", "on Monday",
         "not on Monday", "10000.00000001 troops", "no fewer than 120 people died",
         "10,000 weeks", "for 10,000 days and 10000.00000001 weeks", "10000.00000001 days"]


def test_the_checks_at_once_on_every_pair_of_the_edge_cases():
    analyses = [gate.analysed(t) for t in EDGES]
    pred, gold = np.repeat(np.arange(len(EDGES)), len(EDGES)), np.tile(np.arange(len(EDGES)), len(EDGES))
    one_by_one = [gate.fact_refusal(analyses[p], analyses[g]) is not None for p, g in zip(pred, gold)]
    assert gate.refused_by_facts(analyses, pred, gold).tolist() == one_by_one


def test_the_checks_at_once_refuse_exactly_the_pairs_the_pair_checks_refuse(statements):
    analyses = [gate.analysed(t) for t in statements]
    random.Random(0).shuffle(analyses)
    golds = np.r_[300:len(analyses), 0:40]
    pred, gold = np.repeat(np.arange(300), golds.size), np.tile(golds, 300)
    one_by_one = [gate.fact_refusal(analyses[p], analyses[g]) is not None for p, g in zip(pred, gold)]
    assert 0.1 < np.mean(one_by_one) < 0.9  # both verdicts, many of them by numbers
    assert gate.refused_by_facts(analyses, pred, gold).tolist() == one_by_one


def test_the_checks_at_once_on_statements_without_numbers_or_dates():
    texts = ["Kim praised Russia", "Kim did not praise Russia", "Kim met Lavrov"]
    analyses = [gate.analysed(t) for t in texts]
    pred, gold = np.repeat(np.arange(3), 3), np.tile(np.arange(3), 3)
    assert gate.refused_by_facts(analyses, pred, gold).tolist() == [
        False, True, False, True, False, True, False, True, False]
    assert gate.refused_by_facts(analyses, pred[:0], gold[:0]).shape == (0,)


class WordMatcher(ClaimMatcher):
    """Similarity: the share of shared words (a real, deterministic similarity, no model)."""

    name = "words"
    default_threshold = 0.3

    def similarity(self, pairs):
        out = []
        for a, b in pairs:
            x, y = set(a.lower().split()), set(b.lower().split())
            out.append(len(x & y) / len(x | y))
        return np.array(out)


def every_pair_read(gold, pred, matching, threshold):
    """The reference: every pair through ``gate.refusal`` one by one (its best reference the
    gate lets through), then the solver; the refused pairs reaching the threshold."""
    matrix = np.zeros((len(gold), len(pred)))
    refused = {}
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            asks = [(s, r) for r in references(g)
                    if (s := float(matching.matcher.similarity([(p.statement, r)])[0])) > 0]
            asks.sort(key=lambda a: a[0], reverse=True)
            passed = [s for s, r in asks if gate.refusal(p.statement, r) is None]
            matrix[i, j] = passed[0] if passed else 0.0
            if asks and not passed:
                refused[(i, j)] = (asks[0][0], gate.refusal(p.statement, asks[0][1]))
    rows, cols = max_weight_assignment(matrix)
    pairs = sorted((int(i), int(j), float(matrix[i, j])) for i, j in zip(rows, cols)
                   if matrix[i, j] >= threshold)
    return pairs, refused


def test_scoring_with_the_matrix_checks_equals_reading_every_pair(statements):
    """Documents of calibration statements (gold claims against candidates, shuffled so that
    many pairs are refused by a number, a date or a negation): the same matched pairs, and
    each refusal the report shows is the reference's, reason included."""
    rows = [json.loads(line) for line in CALIBRATION.read_text(encoding="utf-8").splitlines()]
    rng = random.Random(1)
    rng.shuffle(rows)
    matching = ClaimMatching(WordMatcher())
    threshold = WordMatcher.default_threshold
    checked_refusals = 0
    for start in range(0, 240, 12):
        chunk = rows[start:start + 12]
        gold = [PredClaim(statement=r["gold"]) for r in chunk]
        pred = [PredClaim(statement=r["candidate"]) for r in chunk[::-1]]
        want_pairs, want_refused = every_pair_read(gold, pred, matching, threshold)
        result = score_claims({"d": gold}, {"d": pred}, threshold=threshold, matching=matching)
        assert sorted((p.gold, p.pred, p.similarity) for p in result.pairs) == want_pairs
        for r in result.refusals:
            assert want_refused[(r.gold, r.pred)] == (r.similarity, r.reason)
            checked_refusals += 1
    assert checked_refusals > 10


def test_two_references_one_refused_by_the_facts_equal_reading_every_pair(statements):
    """Gold claims with a statement and a span text, pairs of which the fact checks refuse one
    reference and not the other: the pair takes the other's similarity, or is refused with the
    most similar reference's reason, as read one pair at a time; and ``similarity_matrix``
    (every pair read) is the reference's matrix and refusals."""
    rng = random.Random(2)
    matching = ClaimMatching(WordMatcher())
    threshold = WordMatcher.default_threshold
    one_of_two = checked_refusals = 0
    for _ in range(60):
        n, m = rng.randint(1, 6), rng.randint(1, 6)
        gold = [PredClaim(statement=rng.choice(statements),
                          span={"start": i, "end": i + 1, "text": rng.choice(statements)})
                for i in range(n)]
        pred = [PredClaim(statement=rng.choice(statements)) for _ in range(m)]
        one_of_two += sum(len({gate.refusal(p.statement, r) is None for r in references(g)}) == 2
                          for g in gold for p in pred)
        want_pairs, want_refused = every_pair_read(gold, pred, matching, threshold)
        matrix, refused = similarity_matrix(gold, pred, matching)
        assert refused == want_refused
        rows, cols = max_weight_assignment(matrix)
        assert sorted((int(i), int(j), float(matrix[i, j])) for i, j in zip(rows, cols)
                      if matrix[i, j] >= threshold) == want_pairs
        result = score_claims({"d": gold}, {"d": pred}, threshold=threshold, matching=matching)
        assert sorted((p.gold, p.pred, p.similarity) for p in result.pairs) == want_pairs
        for r in result.refusals:
            assert want_refused[(r.gold, r.pred)] == (r.similarity, r.reason)
            checked_refusals += 1
    assert one_of_two > 50 and checked_refusals > 10
