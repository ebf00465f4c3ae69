"""Precision, recall and F1: every formula the scorers use, in one place.

- ``prf``: ``(precision, recall, f1)`` from true positive, false positive and false negative
  counts; ``PRFScore`` holds such counts and adds them up across documents.
- ``scheme_tp_fp_fn``: a mention scheme's counts as tp/fp/fn, the credit being ``correct +
  partial / 2`` (nervaluate's definitions, with ``possible_actual``); ``scheme_prf`` its scores.
- ``prf_columns``: ``prf`` over numpy columns (per-document figures, bootstrap resamples), the
  same float operations in the same order, so every figure equals the scalar one to the last bit.
- ``ratio``, ``f1_of``, ``macro_average``: the pieces, for the figures that are not plain
  P/R/F1 (soft precision, accuracies, symmetric agreement, label means).
- ``document_macro_average``: each document's P, R and F1, averaged over the documents, as the
  HIPE scorer reports it beside the micro figures.

Every scorer (mentions, entities, claims, agreement, bootstrap) goes through these, so they all
treat empty denominators the same way.

>>> round(PRFScore(tp=3, fp=1, fn=2).f1, 3)
0.667
>>> (PRFScore(tp=1) + PRFScore(fn=1)).recall
0.5
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

PRF_KEYS = ("precision", "recall", "f1", "tp", "fp", "fn")


def ratio(part, whole, empty=0.0):
    """``part / whole``, or ``empty`` when ``whole`` is 0."""
    return part / whole if whole else empty


def f1_of(precision: float, recall: float) -> float:
    """The harmonic mean, written ``2pr / (p + r)`` (the form nervaluate and seqeval use, so
    scores agree with theirs to the last bit); 0 when both are 0."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def prf(tp: float, fp: float, fn: float, *,
        zero_division: float = 0.0) -> tuple[float, float, float]:
    """``(precision, recall, f1)``; a ratio whose denominator is 0 is ``zero_division``
    (F1 is 0 when precision and recall are both 0).

    >>> prf(1, 1, 0)
    (0.5, 1.0, 0.6666666666666666)
    """
    precision = ratio(tp, tp + fp, zero_division)
    recall = ratio(tp, tp + fn, zero_division)
    return precision, recall, f1_of(precision, recall)


def possible_actual(correct, incorrect, partial, missed, spurious):
    """A mention scheme's ``(possible, actual)``: the gold spans (``correct + incorrect +
    partial + missed``) and the predicted ones (``correct + incorrect + partial + spurious``).
    Numbers or numpy arrays alike."""
    return correct + incorrect + partial + missed, correct + incorrect + partial + spurious


def scheme_tp_fp_fn(correct, incorrect, partial, missed, spurious):
    """A mention scheme's counts as ``(tp, fp, fn)`` with nervaluate's precision and recall:
    the credit ``correct + partial / 2`` over ``actual`` and over ``possible``
    (``possible_actual``). Numbers or numpy arrays alike (counts are integers, the credit
    integers or halves, so ``tp + fp`` is ``actual`` exactly)."""
    credit = correct + 0.5 * partial
    possible, actual = possible_actual(correct, incorrect, partial, missed, spurious)
    return credit, actual - credit, possible - credit


def scheme_prf(correct, incorrect, partial, missed, spurious) -> tuple[float, float, float]:
    """``(precision, recall, f1)`` of a mention scheme's counts (see ``scheme_tp_fp_fn``)."""
    return prf(*scheme_tp_fp_fn(correct, incorrect, partial, missed, spurious))


def prf_columns(tp, fp, fn):
    """``prf`` over numpy arrays of counts (any shape): ``(precision, recall, f1)`` arrays."""
    zeros = np.zeros(np.shape(tp))
    predicted, actual = tp + fp, tp + fn
    precision = np.divide(tp, predicted, out=zeros.copy(), where=predicted > 0)
    recall = np.divide(tp, actual, out=zeros.copy(), where=actual > 0)
    f1 = np.divide(2 * precision * recall, precision + recall, out=zeros,
                   where=precision + recall > 0)
    return precision, recall, f1


def macro_average(scores: Sequence[tuple[float, float, float]]) -> dict[str, float]:
    """The mean precision, recall and F1 of several ``(precision, recall, f1)`` (0 for none)."""
    n = len(scores) or 1
    return {key: sum(s[k] for s in scores) / n
            for k, key in enumerate(("precision", "recall", "f1"))}


#: The keys of ``document_macro_average``, in order.
DOCUMENT_MACRO_KEYS = ("precision", "recall", "f1", "precision_std", "recall_std", "f1_std",
                       "documents_with_predictions", "documents_with_gold", "documents_with_both")


def document_macro_average(tp, fp, fn) -> dict:
    """The per-document macro average of the HIPE scorer (CLEF-HIPE-2020, ``macro_doc``) from
    numpy columns of per-document counts: the mean (and population standard deviation) of the
    documents' precision over the documents with a prediction, of their recall over those with
    gold, of their F1 over those with both (a document with nothing to find, or nothing found,
    is left out rather than counted as 0); None where no document qualifies.

    >>> document_macro_average(np.array([1, 0, 0]), np.array([1, 0, 2]), np.array([0, 2, 0]))["f1"]
    0.6666666666666666
    """
    precision, recall, f1 = prf_columns(tp, fp, fn)
    predicted, gold = np.asarray(tp + fp) > 0, np.asarray(tp + fn) > 0
    out: dict = {}
    kept = {"precision": predicted, "recall": gold, "f1": predicted & gold}
    for key, values in (("precision", precision), ("recall", recall), ("f1", f1)):
        chosen = values[kept[key]]
        out[key] = float(chosen.mean()) if len(chosen) else None
        out[f"{key}_std"] = float(chosen.std()) if len(chosen) else None
    out["documents_with_predictions"] = int(predicted.sum())
    out["documents_with_gold"] = int(gold.sum())
    out["documents_with_both"] = int((predicted & gold).sum())
    return {key: out[key] for key in DOCUMENT_MACRO_KEYS}


@dataclass(frozen=True)
class PRFScore:
    """Counts that add up across documents (like spaCy's ``scorer.PRFScore``)."""

    tp: float = 0
    fp: float = 0
    fn: float = 0

    def __add__(self, other: PRFScore) -> PRFScore:
        if not isinstance(other, PRFScore):
            return NotImplemented
        return PRFScore(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def __radd__(self, other):  # lets sum() start from 0
        return self if other == 0 else NotImplemented

    @property
    def precision(self) -> float:
        return prf(self.tp, self.fp, self.fn)[0]

    @property
    def recall(self) -> float:
        return prf(self.tp, self.fp, self.fn)[1]

    @property
    def f1(self) -> float:
        return prf(self.tp, self.fp, self.fn)[2]

    def to_dict(self) -> dict[str, float]:
        """The ``PRF_KEYS``: precision, recall, f1, tp, fp, fn."""
        precision, recall, f1 = prf(self.tp, self.fp, self.fn)
        return {"precision": precision, "recall": recall, "f1": f1,
                "tp": self.tp, "fp": self.fp, "fn": self.fn}
