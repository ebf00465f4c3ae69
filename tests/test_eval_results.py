"""The Hub's evaluation results (https://huggingface.co/docs/hub/eval-results): `score` and
`benchmark` write one .eval_results/<task>.yaml per task, with the documented fields, for the
tasks eval.yaml declares; only for the corpus's test split."""

from __future__ import annotations

import datetime
import json

import pytest
import yaml
from typer.testing import CliRunner

import toolkit
from toolkit.cli import app
from toolkit.export.evalresults import TASKS, check_eval_results, eval_yaml
from toolkit.io.predictions import write_predictions
from toolkit.schema import PredictionsHeader

runner = CliRunner()
TASK_IDS = {t["id"] for t in yaml.safe_load(eval_yaml())["tasks"]}
#: every key the Hub documents for a result; "dataset", "value" are required
DOCUMENTED = {"dataset", "value", "verifyToken", "date", "source", "evaluation_framework", "notes"}


@pytest.fixture(scope="module")
def half(tmp_path_factory):
    """The seed's gold with every other mention and claim left out."""
    preds = []
    for doc in toolkit.load():
        p = doc.gold.as_prediction()
        preds.append(p.model_copy(update={"mentions": p.mentions[::2], "claims": p.claims[::2]}))
    path = tmp_path_factory.mktemp("p") / "half.jsonl"
    write_predictions(path, preds, PredictionsHeader(provenance={"system": "half 1.0"}))
    return path


def read(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_score_writes_one_documented_file_per_task(half, tmp_path):
    res = runner.invoke(app, ["score", "--pred", str(half), "--format", "json", "--resamples",
                              "0", "--claim-match", "token", "--eval-results",
                              str(tmp_path / "model"), "--dataset-id", "org/ecbench"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    folder = tmp_path / "model" / ".eval_results"
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{t}.yaml" for t in TASK_IDS)
    values = {"mentions_strict_f1": report["mentions"]["micro"]["strict"]["f1"],
              "claims_f1": report["claims"]["f1"]}
    for path in folder.iterdir():
        text = path.read_text(encoding="utf-8")
        assert check_eval_results(text, TASK_IDS) == []
        [entry] = yaml.safe_load(text)
        assert set(entry) <= DOCUMENTED and {"dataset", "value"} <= set(entry)
        assert entry["dataset"] == {"id": "org/ecbench", "task_id": path.stem}
        assert entry["value"] == values[path.stem]  # the report's own figure, unrounded
        assert datetime.date.fromisoformat(entry["date"]) == datetime.datetime.now(datetime.timezone.utc).date()
        assert entry["source"]["url"] == "https://huggingface.co/datasets/org/ecbench"
        assert entry["evaluation_framework"] == yaml.safe_load(eval_yaml())["evaluation_framework"]
        assert "system: half 1.0" in entry["notes"]
    claims = read(folder / "claims_f1.yaml")[0]["notes"]
    assert "claim matcher token with the fact-consistency gate, threshold 0.5" in claims


def test_a_task_not_scored_gets_no_file(tmp_path):
    mentions_only = tmp_path / "m.jsonl"
    write_predictions(mentions_only, [d.gold.as_prediction() for d in toolkit.load()],
                      PredictionsHeader(produces=["mentions"]))
    res = runner.invoke(app, ["score", "--pred", str(mentions_only), "--resamples", "0",
                              "--eval-results", str(tmp_path / "m"), "--dataset-id", "o/n"])
    assert res.exit_code == 0, res.output
    assert [p.name for p in (tmp_path / "m/.eval_results").iterdir()] == ["mentions_strict_f1.yaml"]


def test_eval_results_need_both_flags_and_the_corpus_as_gold(half, tmp_path):
    res = runner.invoke(app, ["score", "--pred", str(half), "--eval-results", str(tmp_path)])
    assert res.exit_code == 1 and "--eval-results and --dataset-id go together" in res.output
    res = runner.invoke(app, ["score", "--pred", str(half), "--eval-results", str(tmp_path),
                              "--dataset-id", "not-an-id"])
    assert res.exit_code == 1 and "--dataset-id: found 'not-an-id', expected ORG/NAME" in res.output
    res = runner.invoke(app, ["score", "--pred", str(half), "--gold", str(half),
                              "--eval-results", str(tmp_path / "x"), "--dataset-id", "o/n"])
    assert res.exit_code == 1 and "found gold that is not a corpus" in res.output
    assert not (tmp_path / "x").exists()


def test_eval_results_refuse_documents_outside_the_test_split(half, tmp_path):
    import shutil

    corpus = tmp_path / "corpus"
    for part in ("seeds", "annotations/gold", "annotations/manifest.json"):
        src = toolkit.io.corpus.bundled_root() / part
        (shutil.copytree if src.is_dir() else shutil.copy)(src, corpus / part)
    manifest = json.loads((corpus / "annotations/manifest.json").read_text())
    for entry in manifest["documents"]:
        entry["split"] = "train"
    (corpus / "annotations/manifest.json").write_text(json.dumps(manifest))
    res = runner.invoke(app, ["score", "--pred", str(half), "--gold", str(corpus), "--resamples",
                              "0", "--eval-results", str(tmp_path / "x"), "--dataset-id", "o/n"])
    assert res.exit_code == 1, res.output
    assert "scored document(s) outside the test split" in res.output


def test_benchmark_writes_each_extractors_results(tmp_path):
    res = runner.invoke(app, ["benchmark", "-e", "gold", "-e", "empty", "--results-dir",
                              str(tmp_path / "results"), "--n-resamples", "0", "--no-progress",
                              "--eval-results", str(tmp_path / "models"), "--dataset-id", "o/n"])
    assert res.exit_code == 0, res.output
    for name, value in (("gold", 1.0), ("empty", 0.0)):
        for task in TASK_IDS:
            [entry] = read(tmp_path / "models" / name / ".eval_results" / f"{task}.yaml")
            assert entry["value"] == value and entry["dataset"]["task_id"] == task


def test_the_check_finds_what_departs_from_the_documented_fields():
    assert check_eval_results("- dataset: {id: o/n, task_id: claims_f1}\n  value: 0.5\n",
                              TASK_IDS) == []
    problems = check_eval_results(
        "- dataset: {id: nope, task_id: other}\n  value: high\n  date: yesterday\n"
        "  source: {name: x}\n", TASK_IDS)
    assert problems == [
        "[0]: dataset.id: found 'nope', expected ORG/NAME (letters, digits, '-', '_', '.')",
        "[0]: dataset.task_id: found 'other', expected one of ['claims_f1', 'mentions_strict_f1']",
        "[0]: value: found 'high', expected a number",
        "[0]: date: found 'yesterday', expected ISO-8601",
        "[0]: source: found {'name': 'x'}, expected {url, name}"]
    assert check_eval_results("value: 1\n") == ["found dict, expected a non-empty list of results"]
    assert [t.id for t in TASKS] == ["mentions_strict_f1", "claims_f1"]
