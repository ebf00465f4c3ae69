"""Seeded bootstrap confidence intervals for F1.

Each unit (a document, or a sentence when there are few documents) carries its own tp/fp/fn.
A resample draws as many units as there are, with replacement; its F1 is computed from the
summed counts (micro F1, as in the headline figure, not a mean of per-unit F1s). The interval
is the percentile interval of those F1s.

>>> from toolkit.scoring.prf import PRFScore
>>> low, high = bootstrap_f1([PRFScore(tp=3, fp=1, fn=0), PRFScore(tp=1, fp=0, fn=2)] * 20)
>>> low < 0.7 < high
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .prf import PRFScore

#: Below this many documents the bootstrap resamples sentences: a handful of documents gives
#: intervals that look precise and are not.
MIN_DOCUMENTS = 30
#: Resample indices drawn per batch are capped near this many, to keep memory flat.
_BATCH_CELLS = 1_000_000


#: (tp, fp, fn) @ _TO_TOTALS = (tp, tp + fp, tp + fn), and back (exact: counts are integers or
#: halves)
_TO_TOTALS = np.array([[1, 1, 1], [0, 1, 0], [0, 0, 1]], dtype=float)
_FROM_TOTALS = np.array([[1, -1, -1], [0, 1, 0], [0, 0, 1]], dtype=float)


def choose_unit(n_documents: int) -> str:
    """``"document"`` when there are at least ``MIN_DOCUMENTS`` documents, else ``"sentence"``."""
    return "document" if n_documents >= MIN_DOCUMENTS else "sentence"


def resample_indices(n_units: int, n_resamples: int, seed: int):
    """Yield batches of resample indices, shape ``(batch, n_units)``; the batch size depends only
    on ``n_units``, so a seed always gives the same draws."""
    rng = np.random.default_rng(seed)
    batch = max(1, _BATCH_CELLS // n_units)
    for start in range(0, n_resamples, batch):
        yield rng.integers(0, n_units, size=(min(batch, n_resamples - start), n_units))


def _f1(counts: np.ndarray) -> np.ndarray:
    """F1 of each row of ``(tp, fp, fn)`` counts, computed as ``prf`` does (2pr / (p + r), 0.0
    when undefined) so the figures agree with PRFScore.f1 to the last bit."""
    tp, fp, fn = counts[..., 0], counts[..., 1], counts[..., 2]
    zeros = np.zeros_like(tp, dtype=float)
    precision = np.divide(tp, tp + fp, out=zeros.copy(), where=tp + fp > 0)
    recall = np.divide(tp, tp + fn, out=zeros.copy(), where=tp + fn > 0)
    return np.divide(2 * precision * recall, precision + recall, out=zeros,
                     where=precision + recall > 0)


def bootstrap_f1(units: Sequence[PRFScore], *, n_resamples: int = 1000, seed: int = 0,
                 confidence: float = 0.95) -> tuple[float, float]:
    """Percentile confidence interval ``(low, high)`` of micro F1 over resampled units.

    With no units, F1 is 0.0 by convention and so is the interval: ``(0.0, 0.0)``.
    """
    if n_resamples < 1:
        raise ValueError(f"n_resamples: found {n_resamples}, expected at least 1")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence: found {confidence}, expected a number in (0, 1)")
    if not units:
        return (0.0, 0.0)
    counts = np.array([(u.tp, u.fp, u.fn) for u in units], dtype=float)
    f1s = np.concatenate([_f1(counts[idx].sum(axis=1))
                          for idx in resample_indices(len(counts), n_resamples, seed)])
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(f1s, [tail, 100 - tail])
    return (float(low), float(high))


def bootstrap_f1_many(units: Mapping[str, Sequence[PRFScore] | np.ndarray], *, n_resamples: int = 1000,
                      seed: int = 0, confidence: float = 0.95) -> dict[str, tuple[float, float]]:
    """``bootstrap_f1`` for several metrics over the same units at once: one set of draws
    (the same ones ``bootstrap_f1`` makes for that seed and unit count) and one matrix product
    per batch, so each resample costs a sum of counts, never a re-scoring. A metric's units
    are PRFScores or an array of (tp, fp, fn) rows. Metrics with different unit counts are
    grouped by count.

    >>> from toolkit.scoring.prf import PRFScore
    >>> units = [PRFScore(tp=3, fp=1, fn=0), PRFScore(tp=1, fp=0, fn=2)] * 20
    >>> bootstrap_f1_many({"a": units})["a"] == bootstrap_f1(units)
    True
    """
    if n_resamples < 1:
        raise ValueError(f"n_resamples: found {n_resamples}, expected at least 1")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence: found {confidence}, expected a number in (0, 1)")
    out: dict[str, tuple[float, float]] = {}
    by_count: dict[int, list[np.ndarray]] = {}
    names_by_count: dict[int, list[str]] = {}
    for name, scores in units.items():
        if not len(scores):
            out[name] = (0.0, 0.0)
            continue
        if not isinstance(scores, np.ndarray):
            scores = np.array([(u.tp, u.fp, u.fn) for u in scores], dtype=float)
        by_count.setdefault(len(scores), []).append(scores)
        names_by_count.setdefault(len(scores), []).append(name)
    tail = (1 - confidence) / 2 * 100
    for n_units, arrays in by_count.items():
        names = names_by_count[n_units]
        # units x (3 counts per metric); counts are integers or halves, so sums are exact
        # per metric (tp, tp + fp, tp + fn): metrics share the last two (every mention scheme
        # has the same predicted and gold counts), so each distinct column is summed once
        counts = np.hstack([a @ _TO_TOTALS for a in arrays]).astype(float)
        distinct: dict[bytes, int] = {}  # a column's bytes -> its place among distinct ones
        keep, columns = [], []
        for k, column in enumerate(counts.T):
            key = column.tobytes()
            if key not in distinct:
                distinct[key] = len(keep)
                keep.append(k)
            columns.append(distinct[key])
        counts = counts[:, keep]
        f1s = []
        for idx in resample_indices(n_units, n_resamples, seed):
            # how often each unit was drawn in each resample, then one product for all metrics
            batch = idx.shape[0]
            flat = (idx + (np.arange(batch) * n_units)[:, None]).ravel()
            weights = np.bincount(flat, minlength=batch * n_units).reshape(
                batch, n_units).astype(float)
            sums = (weights @ counts)[:, columns].reshape(batch, len(names), 3) @ _FROM_TOTALS
            f1s.append(_f1(sums))
        f1s = np.concatenate(f1s)
        for k, name in enumerate(names):
            low, high = np.percentile(f1s[:, k], [tail, 100 - tail])
            out[name] = (float(low), float(high))
    return out
