"""The data model: annotations/schema.json in sync, gold and predictions round trips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.cli.corpus_cmds import schema_text
from toolkit.io.predictions import read_predictions, write_predictions
from toolkit.schema import (
    DocumentGold,
    PredClaim,
    Prediction,
    PredictionsHeader,
    PredMention,
    PredSpan,
)

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
GOLD_FILES = sorted((REPO / "annotations" / "gold").glob("*.json")) + [
    DATA / "valid_corpus" / "annotations" / "gold" / "doc1.json"]


def test_committed_schema_file_is_in_sync():
    assert (REPO / "annotations" / "schema.json").read_text(encoding="utf-8") == schema_text()


def test_schema_text_is_sorted_indented_and_says_what_offsets_are():
    text = schema_text()
    assert text.endswith("}\n") and text.startswith('{\n  "$defs"')
    assert json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False) + "\n" == text
    assert "code point" in json.loads(text)["description"]


def test_schema_command_writes_then_checks(tmp_path):
    target = tmp_path / "schema.json"
    runner = CliRunner()
    missing = runner.invoke(app, ["schema", "--check", "--output", str(target)])
    assert missing.exit_code == 1 and "is missing; run: ecbench schema" in missing.output
    written = runner.invoke(app, ["schema", "--output", str(target)])
    assert written.exit_code == 0 and target.read_text(encoding="utf-8") == schema_text()
    assert runner.invoke(app, ["schema", "--check", "--output", str(target)]).exit_code == 0
    target.write_text(schema_text().replace("code point", "byte"), encoding="utf-8")
    stale = runner.invoke(app, ["schema", "--check", "--output", str(target)])
    assert stale.exit_code == 1 and "is out of date" in stale.output
    assert stale.exception is None or isinstance(stale.exception, SystemExit)


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.name)
def test_gold_round_trips_through_the_models_unchanged(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    assert DocumentGold.model_validate(data).model_dump(by_alias=True) == data


def test_predictions_round_trip_through_a_file(tmp_path):
    header = PredictionsHeader(produces=["mentions"], provenance={"extractor": "test"})
    predictions = [
        Prediction(doc_id="d1", mentions=[PredMention(start=0, end=3, label="PERSON", score=0.9)],
                   claims=[PredClaim(span=PredSpan(start=0, end=3), statement="Kim met Lavrov.")]),
        Prediction(doc_id="d2", error="timeout"),
    ]
    path = tmp_path / "out" / "predictions.jsonl"
    write_predictions(path, predictions, header)
    assert read_predictions(path) == (header, predictions)
    assert json.loads(path.read_text(encoding="utf-8").splitlines()[0])["header"]["produces"] == [
        "mentions"]
    assert [p.name for p in path.parent.iterdir()] == ["predictions.jsonl"]  # no temp file left


def test_predictions_without_header(tmp_path):
    path = tmp_path / "p.jsonl"
    write_predictions(path, [Prediction(doc_id="d1")])
    assert read_predictions(path) == (None, [Prediction(doc_id="d1")])
