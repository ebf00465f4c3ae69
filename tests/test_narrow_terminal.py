"""At 80 columns every table is whole: nothing cut with an ellipsis, no word broken."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import toolkit
from toolkit.cli import app
from toolkit.io.predictions import write_predictions
from toolkit.schema import PredictionsHeader, PredMention

runner = CliRunner()


@pytest.fixture(scope="module")
def confused(tmp_path_factory):
    """The seed's gold with labels swapped around: a confusion matrix of many long labels."""
    labels = ["CARDINAL", "ORDINAL", "PERSON", "PRODUCT", "WORK_OF_ART", "LANGUAGE", "QUANTITY"]
    preds = []
    for doc in toolkit.load():
        p = doc.gold.as_prediction()
        mentions = [PredMention(start=m.start, end=m.end, label=labels[k % len(labels)])
                    for k, m in enumerate(p.mentions)]
        preds.append(p.model_copy(update={"mentions": mentions}))
    path = tmp_path_factory.mktemp("p") / "confused.jsonl"
    write_predictions(path, preds, PredictionsHeader(produces=["mentions"]))
    return path


def lines_of(output: str) -> list[str]:
    return output.splitlines()


def test_score_tables_fit_80_columns_whole(confused):
    res = runner.invoke(app, ["score", "--pred", str(confused), "--resamples", "20"],
                        env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    assert all(len(line) <= 80 for line in lines_of(res.stdout))
    assert "…" not in res.stdout
    for word in ("incorrect", "possible", "WORK_OF_ART", "CARDINAL", "spurious"):
        assert word in res.stdout
    wide = runner.invoke(app, ["score", "--pred", str(confused), "--resamples", "20"],
                         env={"COLUMNS": "300"})
    assert "rows gold, columns predicted" in wide.stdout  # the matrix, where it fits


def test_extractors_fit_80_columns_without_breaking_words():
    res = runner.invoke(app, ["extractors"], env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    assert all(len(line) <= 80 for line in lines_of(res.output))
    assert "http://localhost:8000/v1" in res.output and "…" not in res.output


def test_errors_have_a_legend_and_the_note_starts_a_sentence(confused, tmp_path):
    res = runner.invoke(app, ["score", "--pred", str(confused), "--errors", "--resamples", "20"],
                        env={"COLUMNS": "120"})
    assert res.exit_code == 0, res.output
    assert "In context: [[gold span]], <<predicted span>>." in res.stdout
    md = runner.invoke(app, ["score", "--pred", str(confused), "--errors", "--format", "markdown",
                             "--resamples", "20"])
    assert "In context: [[gold span]], <<predicted span>>." in md.stdout
    gold = tmp_path / "gold.jsonl"  # documents without known texts: a note after "(seed 0)."
    write_predictions(gold, [d.gold.as_prediction().model_copy(update={"doc_id": "x"})
                             for d in toolkit.load()], PredictionsHeader(produces=["mentions"]))
    res = runner.invoke(app, ["score", "--pred", str(gold), "--gold", str(gold), "--resamples",
                              "20"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "(seed 0). Fewer than 30 documents" in " ".join(res.stdout.split())
