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

from .prf import PRFScore, prf_columns

#: Below this many documents the bootstrap resamples sentences: a handful of documents gives
#: intervals that look precise and are not.
MIN_DOCUMENTS = 30
#: Resample indices (or shuffles) drawn per batch are capped near this many cells, to keep
#: memory flat.
BATCH_CELLS = 1_000_000


#: (tp, fp, fn) @ TO_TOTALS = (tp, tp + fp, tp + fn), and back (exact: counts are integers or
#: halves)
TO_TOTALS = np.array([[1, 1, 1], [0, 1, 0], [0, 0, 1]], dtype=float)
FROM_TOTALS = np.array([[1, -1, -1], [0, 1, 0], [0, 0, 1]], dtype=float)


def choose_unit(n_documents: int) -> str:
    """``"document"`` when there are at least ``MIN_DOCUMENTS`` documents, else ``"sentence"``."""
    return "document" if n_documents >= MIN_DOCUMENTS else "sentence"


def resample_indices(n_units: int, n_resamples: int, seed: int):
    """Yield batches of resample indices, shape ``(batch, n_units)``; the batch size depends only
    on ``n_units``, so a seed always gives the same draws.

    The draws are ``rng.integers(0, n_units, size)``'s (int64). They are made as int32 where
    ``n_units`` fits: numpy draws every range below 2**32 by the same 32-bit method whatever the
    dtype, so the numbers are the same (tested), in half the memory and less than half the time.
    """
    rng = np.random.default_rng(seed)
    batch = max(1, BATCH_CELLS // n_units)
    dtype = np.int32 if n_units <= np.iinfo(np.int32).max else np.int64
    for start in range(0, n_resamples, batch):
        yield rng.integers(0, n_units, size=(min(batch, n_resamples - start), n_units),
                           dtype=dtype)


def _f1(counts: np.ndarray) -> np.ndarray:
    """F1 of each row of ``(tp, fp, fn)`` counts (``prf.prf_columns``: the figures agree with
    PRFScore.f1 to the last bit)."""
    return prf_columns(counts[..., 0], counts[..., 1], counts[..., 2])[2]


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
    return percentile_interval(f1s, confidence)


def bootstrap_f1_many(units: Mapping[str, Sequence[PRFScore] | np.ndarray], *,
                      n_resamples: int = 1000,
                      seed: int = 0,
                      confidence: float = 0.95) -> dict[str, tuple[float, float]]:
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
    for n_units, arrays in by_count.items():
        f1s = resampled_f1s(arrays, n_resamples, seed)
        for k, name in enumerate(names_by_count[n_units]):
            out[name] = percentile_interval(f1s[:, k], confidence)
    return out


def percentile_interval(values: np.ndarray, confidence: float) -> tuple[float, float]:
    """The central ``confidence`` share of ``values``: their percentiles at the two tails."""
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return (float(low), float(high))


def resampled_f1s(arrays: Sequence[np.ndarray], n_resamples: int, seed: int) -> np.ndarray:
    """F1 per resample (rows) of each metric (columns), from (tp, fp, fn) rows over the same
    units, every metric on the same draws: those ``resample_indices`` makes for the seed, so a
    column's percentiles are ``bootstrap_f1``'s interval, and the difference of two columns is
    a paired bootstrap of the difference."""
    from threadpoolctl import threadpool_limits

    # one BLAS thread: the products are small, and extra threads only spin (double the CPU)
    with threadpool_limits(limits=1, user_api="blas"):
        return _resampled_f1s(np.hstack([a @ TO_TOTALS for a in arrays]), len(arrays[0]),
                              n_resamples, seed)


def distinct_columns(totals: np.ndarray) -> tuple[list[int], list[int]]:
    """The columns of ``totals`` that differ from every earlier one (``keep``), and for each
    column its place among those (``columns``): ``totals[:, keep][:, columns]`` is ``totals``.
    Sums are made once per distinct column (the gold totals of every system scored against the
    same gold are one column)."""
    distinct: dict[bytes, int] = {}  # a column's bytes -> its place among the distinct ones
    keep, columns = [], []
    for k, column in enumerate(totals.T):
        key = column.tobytes()
        if key not in distinct:
            distinct[key] = len(keep)
            keep.append(k)
        columns.append(distinct[key])
    return keep, columns


def _resampled_f1s(totals: np.ndarray, n_units: int, n_resamples: int, seed: int) -> np.ndarray:
    """``resampled_f1s`` from per-unit columns (tp, tp + fp, tp + fn) of each metric. Metrics
    share the last two (every mention scheme has the same predicted and gold counts), so each
    distinct column is summed once; counts are integers or halves, so the sums are exact."""
    keep, columns = distinct_columns(totals)
    counts = totals[:, keep].astype(float)
    f1s = []
    for idx in resample_indices(n_units, n_resamples, seed):
        # how often each unit was drawn in each resample, then one product for all metrics
        batch = idx.shape[0]
        weights = np.empty((batch, n_units))
        for row, drawn in zip(weights, idx):  # row by row: a small array stays in cache
            row[:] = np.bincount(drawn, minlength=n_units)
        sums = (weights @ counts)[:, columns].reshape(batch, -1, 3)
        f1s.append(_f1(sums @ FROM_TOTALS))
    return np.concatenate(f1s)
