"""Precision, recall and F1 from true positive, false positive and false negative counts.

``prf`` is the one place the formulas live; every scorer (mentions, entities, claims,
agreement) goes through it, so they all treat empty denominators the same way.

>>> round(PRFScore(tp=3, fp=1, fn=2).f1, 3)
0.667
>>> (PRFScore(tp=1) + PRFScore(fn=1)).recall
0.5
"""

from __future__ import annotations

from dataclasses import dataclass


def prf(tp: float, fp: float, fn: float, *,
        zero_division: float = 0.0) -> tuple[float, float, float]:
    """``(precision, recall, f1)``; a ratio whose denominator is 0 is ``zero_division``
    (F1 is 0 when precision and recall are both 0).

    F1 is written ``2pr / (p + r)``, the form nervaluate and seqeval use, so scores agree with
    theirs to the last bit.

    >>> prf(1, 1, 0)
    (0.5, 1.0, 0.6666666666666666)
    """
    predicted, actual = tp + fp, tp + fn
    precision = tp / predicted if predicted else zero_division
    recall = tp / actual if actual else zero_division
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


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
        precision, recall, f1 = prf(self.tp, self.fp, self.fn)
        return {"precision": precision, "recall": recall, "f1": f1,
                "tp": self.tp, "fp": self.fp, "fn": self.fn}
