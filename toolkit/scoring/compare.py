"""AGGREGATE: paired comparison of systems scored against the same gold.

For each pair of systems and each headline figure (mentions strict F1, entity F1, claims F1),
the difference of the two F1s with

- a **paired bootstrap** interval: both systems' F1 on the same resampled units, the very
  units and draws of their own intervals (``stage.bootstrap_units``; ``bootstrap.resampled_f1s``
  with the report's seed), so the difference's interval is the percentile interval of the
  per-resample differences;
- an **approximate-randomisation** p-value (Noreen 1989; Yeh 2000): under the null hypothesis
  that the two systems are interchangeable, each unit's counts are as likely to be either
  system's, so each shuffle swaps the two systems' counts in a random half of the units; the
  p-value is ``(s + 1) / (n + 1)`` where ``s`` of ``n`` shuffles give an absolute difference at
  least the observed one (two-sided; identical systems give 1).

Everything is computed from the per-unit (tp, fp, fn) arrays a ``score()`` report keeps
(``ScoreDetails.units``): nothing is scored again. A shuffle or a resample is a matrix product
of 0/1 (or count) weights with the units' count columns, so ten systems on 20,000 documents
take seconds (``benchmarks/speed_compare.py``).

>>> a = np.array([[3, 0, 1], [2, 1, 0], [4, 0, 0]] * 10, dtype=float)
>>> randomisation_p_values([a, a], [(0, 1)], n_shuffles=99, seed=0).tolist()
[1.0]
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from itertools import combinations

import numpy as np

from .bootstrap import (
    BATCH_CELLS,
    FROM_TOTALS,
    TO_TOTALS,
    distinct_columns,
    percentile_interval,
    resampled_f1s,
)
from .prf import prf_columns
from .report import Report
from .stage import BootstrapUnits

SCHEMA = "ecbench.compare/v1"
#: The figures compared: interval name -> what it is called.
HEADLINE_FIGURES: dict[str, str] = {"mentions.strict": "mentions strict F1",
                                    "entities": "entity F1", "claims": "claims F1"}
DEFAULT_SHUFFLES = 10_000
#: The shuffles' random stream is ``[SHUFFLE_STREAM, seed]``: apart from the bootstrap's draws
#: (``seed`` alone), so the two never share random numbers.
SHUFFLE_STREAM = 1
#: Past this total a count column is summed in float64: below it float32 sums of integers
#: and halves are exact (and the products twice as fast).
EXACT_FLOAT32 = 2 ** 22
#: Verdicts, from the interval and the test at the chosen level.
DISTINGUISHABLE, NOT_DISTINGUISHABLE, BORDERLINE, UNTESTED = (
    "distinguishable", "not distinguishable", "borderline", "untested")


@dataclass(frozen=True)
class PairedDifference:
    """One figure compared between two systems: ``delta = f1_first - f1_second``, its paired
    bootstrap interval and its approximate-randomisation p-value (both None, with ``reason``,
    when the corpus offers no units to test it on)."""

    figure: str
    first: str
    second: str
    f1_first: float
    f1_second: float
    delta: float
    interval: tuple[float, float] | None
    p_value: float | None
    verdict: str
    n_units: int
    reason: str | None = None


@dataclass(frozen=True)
class Comparison:
    """Every pairwise difference of some systems, and how they were tested."""

    systems: list[str]
    unit: str | None
    level: float
    n_resamples: int
    n_shuffles: int
    seed: int
    differences: list[PairedDifference] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The ``ecbench.compare/v1`` object."""
        return {"schema": SCHEMA, "systems": list(self.systems), "unit": self.unit,
                "level": self.level, "n_resamples": self.n_resamples,
                "n_shuffles": self.n_shuffles, "seed": self.seed,
                "figures": dict(HEADLINE_FIGURES),
                "differences": [{**asdict(d), "interval": list(d.interval)
                                 if d.interval is not None else None}
                                for d in self.differences]}


def headline_f1(report: Report, figure: str) -> float | None:
    """A report's F1 of one of the ``HEADLINE_FIGURES`` (None: the task was not scored)."""
    if figure.startswith("mentions."):
        return None if report.mentions is None else \
            report.mentions["micro"][figure.removeprefix("mentions.")]["f1"]
    section = report.entities if figure == "entities" else report.claims
    return None if section is None else section["f1"]


def compare_systems(systems: Sequence[tuple[str, Report]], *, n_resamples: int = 1000,
                    n_shuffles: int = DEFAULT_SHUFFLES, seed: int = 0,
                    level: float = 0.95) -> Comparison:
    """Every pair of ``systems`` (name, Report from ``score()`` against the same gold) on every
    headline figure both were scored on. Each pair is written better first (the higher F1;
    on a tie, the order given), so ``delta`` is never negative.

    The bootstrap uses ``n_resamples`` draws of ``seed`` (the reports' own, for their
    intervals to be the columns of the paired ones); the test ``n_shuffles`` shuffles."""
    if n_resamples < 1:
        raise ValueError(f"n_resamples: found {n_resamples}, expected at least 1")
    if n_shuffles < 1:
        raise ValueError(f"n_shuffles: found {n_shuffles}, expected at least 1")
    if not 0 < level < 1:
        raise ValueError(f"level: found {level}, expected a number in (0, 1)")
    units = {}
    for name, report in systems:
        details = getattr(report, "details", None)
        if details is None or details.units is None:
            raise ValueError(f"system {name!r}: the report carries no units (rebuilt from "
                             "JSON?): score the predictions again")
        units[name] = details.units
    tests = []
    for figure in HEADLINE_FIGURES:
        f1 = {name: headline_f1(report, figure) for name, report in systems}
        names = [name for name, _ in systems if f1[name] is not None]
        pairs = [(a, b) if f1[a] >= f1[b] else (b, a) for a, b in combinations(names, 2)]
        if not pairs:
            continue
        aligned = aligned_units([units[n] for n in names], names, figure)
        untestable = isinstance(aligned, str)
        tests.append(PairedTest(figure, names, pairs, f1, None if untestable else aligned,
                                aligned if untestable else None))
    found = _test_all([t for t in tests if t.units is not None], n_resamples, n_shuffles, seed,
                      level)
    differences = []
    for test in tests:
        for first, second in test.pairs:
            interval, p_value, n_units = found.get((test.figure, first, second), (None, None, 0))
            differences.append(PairedDifference(
                test.figure, first, second, test.f1[first], test.f1[second],
                test.f1[first] - test.f1[second], interval, p_value,
                verdict(interval, p_value, level), n_units, test.reason))
    kinds = {u.unit for u in units.values()}
    return Comparison([name for name, _ in systems], kinds.pop() if len(kinds) == 1 else None,
                      level, n_resamples, n_shuffles, seed, differences)


@dataclass(frozen=True)
class PairedTest:
    """One figure's systems (``names``), the pairs to compare (names, better first), their
    F1s and their aligned units (None: not testable, and ``reason`` says why)."""

    figure: str
    names: list[str]
    pairs: list[tuple[str, str]]
    f1: Mapping[str, float | None]
    units: list[np.ndarray] | None
    reason: str | None = None


def verdict(interval: tuple[float, float] | None, p_value: float | None, level: float) -> str:
    """``distinguishable`` when the test rejects at ``1 - level`` and the interval leaves out
    0, ``not distinguishable`` when neither does, ``borderline`` when they disagree,
    ``untested`` without them."""
    if interval is None or p_value is None:
        return UNTESTED
    rejects = p_value < 1 - level
    excludes_zero = not interval[0] <= 0 <= interval[1]
    if rejects and excludes_zero:
        return DISTINGUISHABLE
    return NOT_DISTINGUISHABLE if not (rejects or excludes_zero) else BORDERLINE


def aligned_units(units: Sequence[BootstrapUnits], names: Sequence[str],
                  figure: str) -> list[np.ndarray] | str:
    """The systems' (tp, fp, fn) rows of ``figure`` over the same units in the same order (a
    unit one system has and another lacks, e.g. a document only one predicted, is all zeros
    for the other: it has nothing there), or why they cannot be paired."""
    kinds = {u.unit for u in units}
    if None in kinds:
        return "no units: the bootstrap was disabled (0 resamples)"
    if len(kinds) > 1:
        shown = ", ".join(f"{n} on {u.unit}s" for n, u in zip(names, units))
        return f"the systems were scored on different units ({shown})"
    if any(figure not in u.counts for u in units):
        if figure == "entities":
            return ("entity F1 has no units below 30 documents: an entity's mentions cross "
                    "sentences, so only documents can be resampled")
        return f"no units for {figure}"
    keys = [u.keys[figure] for u in units]
    counts = [np.asarray(u.counts[figure], dtype=float) for u in units]
    if not all(k is keys[0] or list(k) == list(keys[0]) for k in keys[1:]):
        where = {key: i for i, key in enumerate(dict.fromkeys(k for ks in keys for k in ks))}
        aligned = []
        for ks, rows in zip(keys, counts):
            full = np.zeros((len(where), 3))
            full[[where[k] for k in ks]] = rows
            aligned.append(full)
        counts = aligned
    if len(counts[0]) < 2:
        return f"one {units[0].unit} only: there is nothing to resample or shuffle"
    return counts


def _test_all(tests: Sequence[PairedTest], n_resamples: int, n_shuffles: int, seed: int,
              level: float) -> dict[tuple[str, str, str], tuple]:
    """(figure, first, second) -> (interval, p-value, units) for every pair of every test;
    tests over the same number of units share one bootstrap and one set of shuffles."""
    by_count: dict[int, list[PairedTest]] = {}
    for test in tests:
        by_count.setdefault(len(test.units[0]), []).append(test)
    out = {}
    for n_units, group in by_count.items():
        arrays = [a for test in group for a in test.units]
        pairs, labels, offset = [], [], 0
        for test in group:
            place = {name: offset + k for k, name in enumerate(test.names)}
            pairs += [(place[a], place[b]) for a, b in test.pairs]
            labels += [(test.figure, a, b) for a, b in test.pairs]
            offset += len(test.names)
        f1s = resampled_f1s(arrays, n_resamples, seed)
        p_values = randomisation_p_values(arrays, pairs, n_shuffles, seed)
        for (i, j), label, p in zip(pairs, labels, p_values.tolist()):
            out[label] = (percentile_interval(f1s[:, i] - f1s[:, j], level), p, n_units)
    return out


# --- approximate randomisation --------------------------------------------------------------


def swap_masks(n_units: int, n_shuffles: int, seed: int, dtype=np.float32) -> Iterator[np.ndarray]:
    """Batches of shuffles, shape ``(batch, n_units)``: 1 where a shuffle swaps the two systems'
    counts of that unit, each unit and shuffle independently with probability 1/2. Random bytes
    unpacked to bits; the batch size depends only on ``n_units``, so a seed always gives the
    same shuffles."""
    rng = np.random.default_rng([SHUFFLE_STREAM, seed])
    batch = max(1, 4 * BATCH_CELLS // n_units)
    for start in range(0, n_shuffles, batch):
        rows = min(batch, n_shuffles - start)
        packed = rng.integers(0, 256, size=(rows, (n_units + 7) // 8), dtype=np.uint8)
        yield np.unpackbits(packed, axis=1, count=n_units).astype(dtype)


def randomisation_p_values(arrays: Sequence[np.ndarray], pairs: Sequence[tuple[int, int]],
                           n_shuffles: int, seed: int) -> np.ndarray:
    """The two-sided approximate-randomisation p-value of the F1 difference of each pair
    ``(i, j)`` of ``arrays`` ((tp, fp, fn) rows over the same units), all pairs on the same
    shuffles (``swap_masks``).

    A shuffle moves the counts of its swapped units from each system to the other: with ``M``
    the 0/1 shuffle matrix, ``M @ X`` is what system X gives away, so each shuffle's totals are
    ``X_total - M @ X + M @ Y`` for X and the mirror for Y, one matrix product for every
    system and pair. Ties count as at least as extreme, within scipy's relative tolerance
    (100 float64 epsilons of the observed difference)."""
    from threadpoolctl import threadpool_limits

    n_units = len(arrays[0])
    columns = np.hstack([np.asarray(a, dtype=float) @ TO_TOTALS for a in arrays])
    keep, where = distinct_columns(columns)
    distinct = columns[:, keep]
    totals = columns.sum(axis=0).reshape(-1, 3)  # (tp, predicted, gold) of each array
    dtype = np.float32 if np.abs(distinct).sum(axis=0).max(initial=0) < EXACT_FLOAT32 \
        else np.float64
    distinct = distinct.astype(dtype)
    first = np.array([i for i, _ in pairs], dtype=np.intp)
    second = np.array([j for _, j in pairs], dtype=np.intp)
    observed = _f1_difference(totals[first], totals[second])
    margin = np.abs(observed) - 100 * np.finfo(float).eps * np.abs(observed)
    at_least = np.zeros(len(pairs), dtype=np.int64)
    # one BLAS thread: the CPU time is the target, and extra threads mostly spin
    with threadpool_limits(limits=1, user_api="blas"):
        for masks in swap_masks(n_units, n_shuffles, seed, dtype):
            given = (masks @ distinct).astype(float)[:, where]
            given = given.reshape(len(masks), -1, 3)
            moved = given[:, second] - given[:, first]  # what the first gains, the second loses
            shuffled = _f1_difference(totals[first] + moved, totals[second] - moved)
            at_least += (np.abs(shuffled) >= margin).sum(axis=0)
    return (at_least + 1) / (n_shuffles + 1)


def _f1_difference(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """F1 of ``first`` minus F1 of ``second``, arrays of (tp, predicted, gold) rows."""
    return (prf_columns(*np.moveaxis(first @ FROM_TOTALS, -1, 0))[2]
            - prf_columns(*np.moveaxis(second @ FROM_TOTALS, -1, 0))[2])
