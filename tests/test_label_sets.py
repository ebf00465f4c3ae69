"""Gold and predicted label sets that barely overlap: one warning, and the label map that fits."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.cli.inputs import label_set_warnings
from toolkit.io.annotations import load_corpus_gold
from toolkit.scoring.labels import (
    MIN_LABEL_OVERLAP,
    PRESETS,
    closest_preset,
    label_overlap,
)

runner = CliRunner()
SEED = "000_7dc57cc10984332c"


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_overlap_is_the_share_of_mentions_whose_label_the_other_side_has():
    assert label_overlap({"A": 1}, {"A": 1, "B": 1}) == pytest.approx(2 / 3)
    assert label_overlap({"A": 1}, {"A": 1, "B": 3}) == pytest.approx(2 / 5)
    assert label_overlap({"A": 4}, {"B": 4}) == 0.0
    assert label_overlap({"A": 4}, {}) is None  # nothing to compare: no warning
    # the map applies to both sides, and a label mapped to None is left out
    assert label_overlap({"A": 2}, {"a": 2, "x": 9}, {"a": "A", "x": None}) == 1.0


def test_the_warning_threshold():
    assert MIN_LABEL_OVERLAP == 0.5
    assert label_set_warnings({"A": 1}, {"A": 1, "B": 1}, None) == []  # 67%: fine
    (line,) = label_set_warnings({"A": 1}, {"A": 1, "B": 3}, None)    # 40%: said
    assert line.startswith("gold and predicted labels barely overlap: 40% of the mentions")


def test_conll_gold_against_ontonotes_predictions_suggests_the_conll_map():
    gold = {"PER": 28, "LOC": 30, "ORG": 27, "MISC": 15}
    pred = {"PERSON": 25, "GPE": 20, "ORG": 22, "DATE": 18, "CARDINAL": 9, "NORP": 6}
    assert closest_preset(gold, pred) == ("conll", 1.0)
    (line,) = label_set_warnings(gold, pred, None)
    assert "try --label-map conll (100% of them would)" in line
    assert "gold: LOC, MISC, ORG, PER; predicted: CARDINAL, DATE, GPE, NORP, ORG and 1 more" in line
    assert label_set_warnings(gold, pred, PRESETS["conll"]) == []


def test_names_when_only_the_value_labels_are_in_the_way():
    assert closest_preset({"PERSON": 10, "GPE": 4}, {"PERSON": 2, "DATE": 30, "CARDINAL": 9}) \
        == ("names", 12 / 16)  # GPE has no predicted counterpart


def test_no_preset_fits_says_so():
    (line,) = label_set_warnings({"B-PER": 5}, {"PERSON": 5}, None)
    assert line.endswith("no preset fits: map the predicted labels to the gold's with "
                         "--label-map 'A=B,...' or a JSON file")
    (line,) = label_set_warnings({"X": 5}, {"Y": 5}, {"Z": "W"})
    assert line.startswith("gold and predicted labels barely overlap after --label-map: 0%")


@pytest.fixture
def conll_gold(tmp_path):
    """The seed's gold with CoNLL-2003 labels, as a CoNLL-trained annotation would give it."""
    (gold,) = load_corpus_gold().predictions
    conll = PRESETS["conll"]
    mentions = [{**m.model_dump(exclude_none=True), "label": conll[m.label]}
                for m in gold.mentions if conll.get(m.label)]
    path = tmp_path / "conll_gold.jsonl"
    path.write_text(json.dumps({"doc_id": SEED, "mentions": mentions}) + "\n")
    return path


@pytest.fixture
def ontonotes_pred(tmp_path):
    """The seed's own gold mentions (OntoNotes labels) as predictions."""
    (gold,) = load_corpus_gold().predictions
    path = tmp_path / "pred.jsonl"
    path.write_text(json.dumps({"header": {"produces": ["mentions"]}}) + "\n" + json.dumps(
        {"doc_id": SEED, "mentions": [m.model_dump(exclude_none=True)
                                      for m in gold.mentions]}) + "\n")
    return path


def _strict_f1(result) -> float:
    return json.loads(result.stdout)["mentions"]["micro"]["strict"]["f1"]


def test_score_warns_once_and_the_suggested_map_fixes_it(conll_gold, ontonotes_pred):
    result = invoke("score", "--gold", conll_gold, "--pred", ontonotes_pred, "--format", "json",
                    "--resamples", "0")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "barely overlap" in warnings[0], result.stderr
    assert "try --label-map conll" in warnings[0]
    assert _strict_f1(result) < 0.2
    fixed = invoke("score", "--gold", conll_gold, "--pred", ontonotes_pred, "--format", "json",
                   "--resamples", "0", "--label-map", "conll")
    assert fixed.exit_code == 0 and "barely overlap" not in fixed.stderr
    assert _strict_f1(fixed) == 1.0  # the same mentions, labels mapped


def test_the_span_table_path_warns_the_same(tmp_path, conll_gold, ontonotes_pred):
    # documents no corpus has: read as span tables, not records
    renamed = []
    for path in (conll_gold, ontonotes_pred):
        out = tmp_path / f"other_{path.name}"
        out.write_text(path.read_text().replace(SEED, "elsewhere_1"))
        renamed.append(out)
    records = invoke("score", "--gold", conll_gold, "--pred", ontonotes_pred, "--format", "json",
                     "--resamples", "0")
    tables = invoke("score", "--gold", renamed[0], "--pred", renamed[1], "--format", "json",
                    "--resamples", "0")
    assert tables.exit_code == 0, tables.output
    line = [w for w in tables.stderr.splitlines() if "barely overlap" in w]
    assert line == [w for w in records.stderr.splitlines() if "barely overlap" in w]


def test_same_labels_say_nothing(ontonotes_pred):
    result = invoke("score", "--pred", ontonotes_pred, "--format", "json", "--resamples", "0")
    assert result.exit_code == 0 and "barely overlap" not in result.stderr


def test_report_warns_naming_the_file(tmp_path, conll_gold, ontonotes_pred):
    result = invoke("report", "--gold", conll_gold, "--pred", ontonotes_pred, "--out",
                    tmp_path / "r.html", "--resamples", "0")
    assert result.exit_code == 0, result.output
    assert f"warning: {ontonotes_pred}: gold and predicted labels barely overlap" in result.stderr
