"""The gate's matrix checks (``gate.refused_by_facts``: number, date and negation for every pair
of a document at once) against the same checks one pair at a time (``gate.fact_refusal``), on
the statements of the claim-matcher calibration set; and claim scoring, which refuses a
document's pairs with them before reading the rest one by one, against a reference that reads
every pair one by one."""

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
from toolkit.scoring.similarity import ClaimMatching, references

CALIBRATION = Path(__file__).resolve().parent.parent / "benchmarks" / "claims_calibration.jsonl"


@pytest.fixture(scope="module")
def statements() -> list[str]:
    rows = [json.loads(line) for line in CALIBRATION.read_text(encoding="utf-8").splitlines()]
    texts = sorted({r["gold"] for r in rows} | {r["candidate"] for r in rows})
    # statements the calibration set lacks: bounds, units, ambiguous and anaphoric counts
    texts += ["over 10,000 troops", "fewer than 10,000 troops", "10,000 troops", "a three-day visit",
              "a three-week visit", "the two countries met", "two countries met", "one of them",
              "$5 million", "5 million euros", "5%", "five percent", "first in May", "on Monday",
              "not on Monday", "10000.00000001 troops", "no fewer than 120 people died"]
    return texts


def test_the_matrix_checks_refuse_exactly_the_pairs_the_pair_checks_refuse(statements):
    analyses = [gate.analysed(t) for t in statements]
    random.Random(0).shuffle(analyses)
    preds, golds = analyses[:300], analyses[300:600] + analyses[:40]
    matrix = gate.refused_by_facts(preds, golds)
    one_by_one = np.array([[gate.fact_refusal(p, g) is not None for g in golds] for p in preds])
    assert matrix.shape == (len(preds), len(golds))
    assert 0.1 < one_by_one.mean() < 0.9  # both verdicts present in numbers
    assert (matrix == one_by_one).all()


def test_the_matrix_checks_on_statements_without_numbers_or_dates():
    texts = ["Kim praised Russia", "Kim did not praise Russia", "Kim met Lavrov"]
    analyses = [gate.analysed(t) for t in texts]
    assert gate.refused_by_facts(analyses, analyses).tolist() == [
        [False, True, False], [True, False, True], [False, True, False]]
    assert gate.refused_by_facts([], analyses).shape == (0, 3)


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
