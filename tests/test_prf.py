from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import precision_recall_fscore_support

from toolkit.scoring.prf import PRFScore, prf

counts = st.integers(0, 50)


@settings(max_examples=100, deadline=None)
@given(counts, counts, counts)
def test_prf_matches_sklearn(tp, fp, fn):
    # a binary problem with exactly tp/fp/fn positives (and one true negative)
    y_true = [1] * tp + [0] * fp + [1] * fn + [0]
    y_pred = [1] * tp + [1] * fp + [0] * fn + [0]
    p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, average="binary",
                                                 zero_division=0)
    assert prf(tp, fp, fn) == pytest.approx((p, r, f), abs=1e-12)


def test_zero_division():
    assert prf(0, 0, 0) == (0.0, 0.0, 0.0)
    assert prf(0, 0, 0, zero_division=1.0) == (1.0, 1.0, 1.0)
    assert prf(0, 3, 0, zero_division=1.0) == (0.0, 1.0, 0.0)  # a real zero stays zero
    assert PRFScore().f1 == 0.0


def test_score_adds_and_sums():
    a, b = PRFScore(tp=2, fp=1), PRFScore(tp=1, fn=3)
    assert a + b == PRFScore(tp=3, fp=1, fn=3)
    assert sum([a, b]) == a + b
    assert (a + b).precision == 0.75 and (a + b).recall == 0.5


def test_to_dict_and_frozen():
    score = PRFScore(tp=1, fp=1, fn=0)
    assert score.to_dict() == {"precision": 0.5, "recall": 1.0, "f1": pytest.approx(2 / 3),
                               "tp": 1, "fp": 1, "fn": 0}
    with pytest.raises(dataclasses.FrozenInstanceError):
        score.tp = 5  # type: ignore[misc]


def test_half_credit_counts():
    # fractional counts (partial credit) work like integers
    assert PRFScore(tp=1.5, fp=0.5, fn=0.5).precision == 0.75
