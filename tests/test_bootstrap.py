"""Bootstrap intervals: seeded, sensible, and the same as the obvious slow loop."""

from __future__ import annotations

import numpy as np
import pytest

from toolkit.scoring.bootstrap import (
    MIN_DOCUMENTS,
    bootstrap_f1,
    choose_unit,
    resample_indices,
)
from toolkit.scoring.prf import PRFScore


def random_units(n: int, seed: int = 1) -> list[PRFScore]:
    rng = np.random.default_rng(seed)
    return [PRFScore(tp=int(tp), fp=int(fp), fn=int(fn))
            for tp, fp, fn in zip(rng.integers(0, 8, n), rng.integers(0, 4, n), rng.integers(0, 4, n))]


def slow_bootstrap_f1(units, n_resamples, seed, confidence):
    """The textbook loop: draw units with replacement, add their counts, take F1."""
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(units), size=(n_resamples, len(units)))
    f1s = []
    for row in draws:
        total = PRFScore()
        for i in row:
            total = total + units[i]
        f1s.append(total.f1)
    tail = (1 - confidence) / 2 * 100
    return tuple(float(x) for x in np.percentile(f1s, [tail, 100 - tail]))


def test_deterministic_for_a_seed():
    units = random_units(50)
    assert bootstrap_f1(units, seed=7) == bootstrap_f1(units, seed=7)
    assert bootstrap_f1(units, seed=7) != bootstrap_f1(units, seed=8)


def test_interval_contains_the_point_estimate():
    for seed in range(5):
        units = random_units(100, seed)
        low, high = bootstrap_f1(units)
        assert low < sum(units).f1 < high


def test_interval_narrows_with_more_units():
    few = random_units(40)
    low_few, high_few = bootstrap_f1(few)
    low_many, high_many = bootstrap_f1(few * 10)  # same point estimate, ten times the units
    assert high_many - low_many < (high_few - low_few) / 2


def test_higher_confidence_gives_a_wider_interval():
    units = random_units(60)
    low90, high90 = bootstrap_f1(units, confidence=0.90)
    low99, high99 = bootstrap_f1(units, confidence=0.99)
    assert low99 <= low90 and high99 >= high90 and (high99 - low99) > (high90 - low90)


@pytest.mark.parametrize("seed, confidence", [(0, 0.95), (3, 0.8)])
def test_equals_the_slow_loop(seed, confidence):
    units = random_units(12, seed=seed) + [PRFScore()]  # an empty unit too
    assert bootstrap_f1(units, n_resamples=200, seed=seed, confidence=confidence) == \
        slow_bootstrap_f1(units, 200, seed, confidence)


@pytest.mark.parametrize("n_units", [1, 2, 7, 30, 1_000, 20_000, 65_537, 1_000_003])
def test_draws_are_numpys_int64_draws(n_units):
    """The draws are made as int32, for speed: they must be rng.integers' int64 ones."""
    rng = np.random.default_rng(5)
    batches = list(resample_indices(n_units, 7, seed=5))
    assert sum(len(b) for b in batches) == 7
    for drawn in batches:  # each batch is one call of the generator
        expected = rng.integers(0, n_units, size=drawn.shape)
        assert expected.dtype == np.int64 and np.array_equal(drawn, expected)


def test_all_zero_units_give_zero():
    assert bootstrap_f1([PRFScore(fn=0)] * 5) == (0.0, 0.0)
    assert bootstrap_f1([]) == (0.0, 0.0)


def test_large_input_is_batched_and_still_deterministic():
    units = random_units(30_000)
    low, high = bootstrap_f1(units, n_resamples=100, seed=1)
    assert (low, high) == bootstrap_f1(units, n_resamples=100, seed=1)
    assert low <= sum(units).f1 <= high


@pytest.mark.parametrize("kwargs, field", [({"n_resamples": 0}, "n_resamples"),
                                           ({"confidence": 1.0}, "confidence"),
                                           ({"confidence": 0}, "confidence")])
def test_bad_parameters(kwargs, field):
    with pytest.raises(ValueError, match=field):
        bootstrap_f1(random_units(3), **kwargs)


def test_choose_unit():
    assert choose_unit(MIN_DOCUMENTS) == "document" == choose_unit(1000)
    assert choose_unit(MIN_DOCUMENTS - 1) == "sentence" == choose_unit(0)


def test_many_metrics_at_once_equal_one_at_a_time():
    # shared draws, shared columns, half credits and two unit counts: the same intervals as
    # bootstrap_f1 computes metric by metric
    import random

    from toolkit.scoring.bootstrap import bootstrap_f1_many

    rng = random.Random(3)
    units = {f"m{k}": [PRFScore(tp=rng.randint(0, 4) + 0.5 * rng.randint(0, 1),
                                fp=rng.randint(0, 3), fn=rng.randint(0, 3))
                       for _ in range(40 if k < 3 else 7)] for k in range(5)}
    units["copy"] = list(units["m0"])
    units["empty"] = []
    many = bootstrap_f1_many(units, n_resamples=300, seed=5)
    for name, scores in units.items():
        assert many[name] == bootstrap_f1(scores, n_resamples=300, seed=5), name
