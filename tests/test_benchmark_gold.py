"""``ecbench benchmark --gold SRC``: the built-in extractors ranked on a user's gold, their results
in --results-dir (never in the bundled corpus's benchmarks/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_checks import one_line
from test_runner import make_corpus
from typer.testing import CliRunner

from toolkit.benchmark import default_results_dir
from toolkit.cli import app
from toolkit.io.annotations import load_corpus_gold
from toolkit.io.corpus import bundled_root
from toolkit.scoring.labels import PRESETS

runner = CliRunner()
REPO = Path(__file__).resolve().parents[1]
SEED = "000_7dc57cc10984332c"


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def snapshot(folder: Path) -> dict:
    """Every file below ``folder`` with its size and modification time."""
    return {p: (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def bundled_results():
    """The bundled corpus's results folder, checked unchanged after the test."""
    folder = default_results_dir(bundled_root())
    before = snapshot(folder) if folder.is_dir() else {}
    yield folder
    assert (snapshot(folder) if folder.is_dir() else {}) == before


def _f1(path: Path) -> float:
    return json.loads(path.read_text())["mentions"]["micro"]["strict"]["f1"]


def test_a_gold_folder_ranks_the_extractors_into_results_dir(tmp_path, bundled_results):
    gold = REPO / "annotations" / "passes" / "a"  # one annotator's gold of the seed
    out = tmp_path / "results"
    result = invoke("benchmark", "--gold", gold, "-e", "empty", "-e", "gold",
                    "--results-dir", out, "--n-resamples", "0", "--no-progress")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["LEADERBOARD.json", "LEADERBOARD.md",
                                                     "empty.json", "gold.json", "report.html",
                                                     "runs.json"]
    assert _f1(out / "gold.json") == 1.0 and _f1(out / "empty.json") == 0.0
    board = (out / "LEADERBOARD.md").read_text()
    assert board.index("| gold") < board.index("| empty")  # ranked: best first
    provenance = json.loads((out / "gold.json").read_text())["provenance"]
    assert provenance["gold"] == {"gold_folder": str(gold)}
    page = (out / "report.html").read_text()  # the gold by name and sha256, not its path
    assert f"scored on {gold.name} (sha256 " in page and ", 1 gold document(s)" in page
    assert str(gold.parent) not in page


def test_a_corpus_folder_writes_beside_itself(tmp_path, bundled_results):
    corpus = make_corpus(tmp_path / "mine")
    result = invoke("benchmark", "--gold", corpus, "-e", "gold", "--n-resamples", "0",
                    "--no-progress")
    assert result.exit_code == 0, result.output
    assert _f1(corpus / "benchmarks" / "results" / "gold.json") == 1.0


def test_a_gold_source_needs_results_dir(tmp_path, bundled_results):
    gold = REPO / "annotations" / "passes" / "a"
    one_line(invoke("benchmark", "--gold", gold, "-e", "gold", "--no-progress"),
             f"--gold {gold}: give --results-dir")
    one_line(invoke("benchmark", "--gold", gold, "-e", "gold", "--no-progress",
                    "--results-dir", bundled_results),
             "the bundled corpus's results, expected another folder")


def test_one_results_folder_holds_one_gold(tmp_path, bundled_results):
    out = tmp_path / "results"
    args = ("-e", "gold", "--results-dir", out, "--n-resamples", "0", "--no-progress")
    passes = REPO / "annotations" / "passes"
    assert invoke("benchmark", "--gold", passes / "a", *args).exit_code == 0
    one_line(invoke("benchmark", "--gold", passes / "b", *args),
             f"{out}: found results on other gold (gold), expected a folder for results on "
             "this --gold only")
    assert invoke("benchmark", "--gold", passes / "a", *args).exit_code == 0  # the same gold


def test_documents_without_text_cannot_be_run(tmp_path, bundled_results):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"doc_id": "nowhere_1", "mentions": [
        {"start": 0, "end": 3, "label": "PERSON"}]}) + "\n")
    one_line(invoke("benchmark", "--gold", gold, "-e", "gold", "--results-dir",
                    tmp_path / "r", "--no-progress"),
             f"{gold}: found 1 gold document(s) whose text is unknown (nowhere_1)")
    assert not (tmp_path / "r").exists()


def test_gold_or_corpus_not_both(tmp_path):
    one_line(invoke("benchmark", "--gold", tmp_path, "--corpus", tmp_path, "--no-progress"),
             "--gold and --corpus: give one")


def test_gold_with_other_labels_warns_and_the_label_map_ranks_fairly(tmp_path, bundled_results):
    """CoNLL-labelled gold of the seed: spaCy (OntoNotes labels) scores near zero and the
    warning says why; with --label-map conll it is scored on the CoNLL classes."""
    (gold,) = load_corpus_gold().predictions
    conll = PRESETS["conll"]
    path = tmp_path / "conll.jsonl"
    path.write_text(json.dumps({"doc_id": SEED, "mentions": [
        {**m.model_dump(exclude_none=True), "label": conll[m.label]}
        for m in gold.mentions if conll.get(m.label)]}) + "\n")
    plain = invoke("benchmark", "--gold", path, "-e", "spacy", "--results-dir",
                   tmp_path / "plain", "--n-resamples", "0", "--no-progress")
    assert plain.exit_code == 0, plain.output
    assert "warning: spacy: gold and predicted labels barely overlap" in plain.stderr
    assert "try --label-map conll" in plain.stderr
    mapped = invoke("benchmark", "--gold", path, "-e", "spacy", "--results-dir",
                    tmp_path / "mapped", "--label-map", "conll", "--n-resamples", "0",
                    "--no-progress")
    assert mapped.exit_code == 0 and "barely overlap" not in mapped.stderr
    assert _f1(tmp_path / "mapped" / "spacy.json") > _f1(tmp_path / "plain" / "spacy.json") + 0.3
