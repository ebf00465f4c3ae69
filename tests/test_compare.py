"""The paired comparison of systems: checked against independent computations (scipy's
permutation test and paired bootstrap, and the textbook resampling loop on the same draws),
the limiting cases (identical systems, a much better system), seeding, and the command."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats
from systems_fixture import make_documents, simulate
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.io.predictions import write_predictions
from toolkit.schema import Prediction, PredictionsHeader
from toolkit.scoring import score
from toolkit.scoring.bootstrap import resample_indices, resampled_f1s
from toolkit.scoring.compare import (
    compare_systems,
    randomisation_p_values,
    swap_masks,
    verdict,
)
from toolkit.scoring.prf import PRFScore


def f1_of(rows: np.ndarray) -> float:
    """F1 of summed (tp, fp, fn) rows, by the scalar formula."""
    return PRFScore(*rows.sum(axis=0)).f1


def random_units(n: int, seed: int, better: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    tp = rng.integers(0, 6, n) + better
    return np.column_stack([tp, rng.integers(0, 3, n), rng.integers(0, 3, n)]).astype(float)


def scored(n_docs: int, qualities: dict[str, float], seed: int = 0, n_resamples: int = 1000):
    gold, texts = make_documents(n_docs, seed=seed)
    systems = [(name, score(gold, simulate(gold, texts, q, seed=seed + k), texts,
                            produces=["mentions"], n_resamples=n_resamples))
               for k, (name, q) in enumerate(qualities.items())]
    return systems, gold, texts


# --- against independent computations ----------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_p_value_agrees_with_scipys_exact_permutation_test(seed):
    # 11 units: scipy enumerates all 2**11 swaps (an exact test); ours samples 20,000
    a, b = random_units(11, seed), random_units(11, seed + 100)
    table = np.vstack([a, b])

    def statistic(x, y):  # |F1 of x's units - F1 of y's|, units given as rows of `table`
        return abs(f1_of(table[x.astype(int)]) - f1_of(table[y.astype(int)]))

    exact = stats.permutation_test((np.arange(11), 11 + np.arange(11)), statistic,
                                   permutation_type="samples", vectorized=False,
                                   n_resamples=np.inf, alternative="greater").pvalue
    ours = randomisation_p_values([a, b], [(0, 1)], n_shuffles=20_000, seed=seed)[0]
    assert ours == pytest.approx(exact, abs=0.02)  # 20,000 shuffles: SE below 0.004


def test_p_value_is_the_count_over_the_same_shuffles():
    # the textbook loop over the very shuffles the vectorised test draws: the same p, exactly
    a, b = random_units(40, 5), random_units(40, 6)
    observed = abs(f1_of(a) - f1_of(b))
    hits = 0
    for masks in swap_masks(40, 3000, seed=9):
        for mask in masks.astype(bool):
            x = np.where(mask[:, None], b, a)
            y = np.where(mask[:, None], a, b)
            hits += abs(f1_of(x) - f1_of(y)) >= observed * (1 - 100 * np.finfo(float).eps)
    assert randomisation_p_values([a, b], [(0, 1)], 3000, seed=9)[0] == (hits + 1) / 3001


def test_paired_interval_is_the_resampling_loop_on_the_same_draws():
    systems, _, _ = scored(12, {"good": 0.9, "fair": 0.7}, n_resamples=400)
    comparison = compare_systems(systems, n_resamples=400, n_shuffles=100, seed=3)
    (strict,) = [d for d in comparison.differences if d.figure == "mentions.strict"]
    assert (strict.first, strict.second) == ("good", "fair")
    units = [dict(systems)[name].details.units.counts["mentions.strict"]
             for name in (strict.first, strict.second)]
    deltas = [f1_of(units[0][idx]) - f1_of(units[1][idx])
              for batch in resample_indices(len(units[0]), 400, 3) for idx in batch]
    assert strict.interval == pytest.approx(tuple(np.percentile(deltas, [2.5, 97.5])), abs=1e-12)


def test_paired_interval_agrees_with_scipys_paired_bootstrap():
    a, b = random_units(60, 11, better=1), random_units(60, 12)
    table = np.vstack([a, b])

    def statistic(x, y):
        return f1_of(table[x.astype(int)]) - f1_of(table[y.astype(int)])

    theirs = stats.bootstrap((np.arange(60), 60 + np.arange(60)), statistic, paired=True,
                             vectorized=False, n_resamples=4000, method="percentile",
                             rng=np.random.default_rng(0)).confidence_interval
    f1s = resampled_f1s([a, b], 4000, seed=0)
    ours = np.percentile(f1s[:, 0] - f1s[:, 1], [2.5, 97.5])
    assert ours == pytest.approx([theirs.low, theirs.high], abs=0.02)


def test_each_systems_column_is_its_own_interval():
    # the paired bootstrap resamples each system exactly as its report's interval did
    systems, _, _ = scored(8, {"a": 0.85, "b": 0.6}, n_resamples=300)
    units = [r.details.units.counts["mentions.strict"] for _, r in systems]
    f1s = resampled_f1s(units, 300, seed=0)
    for k, (_, report) in enumerate(systems):
        assert tuple(np.percentile(f1s[:, k], [2.5, 97.5])) == \
            pytest.approx(report.interval("mentions.strict"), abs=1e-12)


# --- the limiting cases ---------------------------------------------------------------------------


def test_identical_systems_differ_by_zero_with_p_one():
    gold, texts = make_documents(10)
    same = simulate(gold, texts, 0.8, seed=4)
    systems = [(name, score(gold, same, texts, produces=["mentions"])) for name in ("a", "b")]
    (strict, entities) = compare_systems(systems).differences
    assert strict.delta == 0 and strict.p_value == 1.0 and strict.interval == (0.0, 0.0)
    assert strict.verdict == "not distinguishable"
    assert entities.delta == 0 and entities.verdict == "untested"  # no entity units < 30 docs


def test_a_much_better_system_is_told_apart():
    systems, _, _ = scored(40, {"strong": 0.95, "weak": 0.55})
    comparison = compare_systems(systems)
    assert comparison.unit == "document"  # 40 documents: documents are resampled
    for d in comparison.differences:
        assert (d.first, d.second) == ("strong", "weak") and d.delta > 0.2
        assert d.p_value < 0.01 and d.interval[0] > 0 and d.verdict == "distinguishable"
        assert d.n_units == 40


def test_close_systems_are_not_told_apart_on_a_small_corpus():
    systems, _, _ = scored(3, {"one": 0.8, "two": 0.78}, seed=5)
    (strict, _) = compare_systems(systems).differences
    assert strict.p_value > 0.05 and strict.interval[0] < 0 < strict.interval[1]
    assert strict.verdict == "not distinguishable" and strict.n_units == 12  # sentences


def test_deterministic_for_a_seed():
    systems, _, _ = scored(10, {"a": 0.8, "b": 0.7, "c": 0.75})
    first = compare_systems(systems, seed=4, n_shuffles=2000)
    assert first == compare_systems(systems, seed=4, n_shuffles=2000)
    assert [d.p_value for d in first.differences] != \
        [d.p_value for d in compare_systems(systems, seed=5, n_shuffles=2000).differences]
    assert len(first.differences) == 3 * 2  # three pairs, strict and entities
    assert first.to_dict()["n_shuffles"] == 2000


def test_verdicts():
    assert verdict((0.01, 0.2), 0.001, 0.95) == "distinguishable"
    assert verdict((-0.01, 0.2), 0.3, 0.95) == "not distinguishable"
    assert verdict((-0.01, 0.2), 0.03, 0.95) == "borderline"
    assert verdict(None, None, 0.95) == "untested"


def test_units_of_a_document_one_system_alone_predicted_are_paired_as_empty():
    gold, texts = make_documents(4)
    extra = Prediction(doc_id="extra", mentions=[])
    texts = {**texts, "extra": "Nothing here."}
    one = score(gold, gold, texts, produces=["mentions"])
    two = score(gold, [*simulate(gold, texts, 0.7, seed=1), extra], texts, produces=["mentions"])
    (strict, _) = compare_systems([("one", one), ("two", two)]).differences
    assert strict.n_units == one.confidence["n_units"] + 1 == two.confidence["n_units"]
    assert strict.p_value < 1


def test_one_unit_is_not_tested():
    gold, texts = make_documents(1)
    one = score(gold, gold, None, produces=["mentions"])  # no text: the document is the unit
    two = score(gold, simulate(gold, texts, 0.5, seed=2), None, produces=["mentions"])
    strict = compare_systems([("one", one), ("two", two)]).differences[0]
    assert strict.delta > 0 and strict.verdict == "untested"
    assert "one document only" in strict.reason


def test_a_report_rebuilt_from_json_is_refused():
    from toolkit.scoring.report import Report

    systems, _, _ = scored(2, {"a": 0.9, "b": 0.8}, n_resamples=10)
    rebuilt = [(name, Report.from_dict(r.to_dict())) for name, r in systems]
    with pytest.raises(ValueError, match="rebuilt from JSON"):
        compare_systems(rebuilt)


# --- the command ----------------------------------------------------------------------------------


def _files(tmp_path, qualities: dict[str, float], n_docs: int = 6):
    gold, texts = make_documents(n_docs)
    gold_file = tmp_path / "gold.jsonl"
    write_predictions(gold_file, gold)  # no texts known: documents are the units
    files = []
    for k, (name, q) in enumerate(qualities.items()):
        path = tmp_path / f"{name}.jsonl"
        write_predictions(path, simulate(gold, texts, q, seed=k),
                          PredictionsHeader(produces=["mentions"], provenance={"extractor": name}))
        files += ["--pred", str(path)]
    return gold_file, files


def test_compare_command_json_and_words(tmp_path):
    gold_file, files = _files(tmp_path, {"alpha": 0.9, "beta": 0.6})
    result = CliRunner().invoke(app, ["compare", *files, "--gold", str(gold_file),
                                      "--format", "json", "--shuffles", "500", "--seed", "2"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["schema"] == "ecbench.compare/v1" and data["n_shuffles"] == 500
    assert data["systems"] == ["alpha", "beta"] and data["unit"] == "document"
    strict = data["differences"][0]
    assert strict["figure"] == "mentions.strict" and strict["first"] == "alpha"
    out = tmp_path / "cmp.md"
    result = CliRunner().invoke(app, ["compare", *files, "--gold", str(gold_file), "--format",
                                      "markdown", "--shuffles", "500", "--seed", "2",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "alpha vs beta: ΔF1 +" in text and "500 shuffles" in text
    assert "on this corpus" in text and "| mentions strict F1 | alpha − beta |" in text


@pytest.mark.parametrize("extra, message", [
    ([], "--pred: found 1 file, expected two or more"),
    (["--level", "1.5"], "--level: found 1.5, expected a number between 0 and 1"),
    (["--shuffles", "0"], "--shuffles: found 0, expected at least 1"),
])
def test_compare_command_bad_options_are_one_line(tmp_path, extra, message):
    gold_file, files = _files(tmp_path, {"alpha": 0.9, "beta": 0.6}, n_docs=2)
    preds = files[:2] if not extra else files
    result = CliRunner().invoke(app, ["compare", *preds, "--gold", str(gold_file), *extra])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
