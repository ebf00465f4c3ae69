"""Limits a user can raise (issue 24, toolkit/limits.py): mentions per document, characters per
text, labels per terminal table. Past a limit: one line naming it and its variable; raised
through the variable, the same input is read."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.limits import MAX_MENTIONS, MAX_TABLE_LABELS, MAX_TEXT_CHARS

runner = CliRunner()


def one_error_line(result) -> str:
    assert result.exit_code != 0 and "Traceback" not in result.output, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.output
    return errors[0]


def mentions_file(path, n: int, label=lambda i: "ORG"):
    doc = {"doc_id": "d", "mentions": [{"start": 2 * i, "end": 2 * i + 1, "label": label(i)} for i in range(n)]}
    path.write_text(json.dumps(doc) + "\n")
    return path


def test_the_defaults_are_named_once():
    assert (MAX_MENTIONS.default, MAX_TEXT_CHARS.default, MAX_TABLE_LABELS.default) == (100_000, 10_000_000, 40)


@pytest.mark.parametrize("command", ["score", "report", "agree"])
def test_too_many_mentions_in_a_document_is_one_line_and_can_be_raised(tmp_path, monkeypatch, command):
    monkeypatch.setenv("ECBENCH_MAX_MENTIONS", "100")
    gold = mentions_file(tmp_path / "gold.jsonl", 3)
    pred = mentions_file(tmp_path / "pred.jsonl", 101)
    args = {"score": ["score", "--gold", str(gold), "--pred", str(pred)],
            "report": ["report", "--gold", str(gold), "--pred", str(pred), "--out", str(tmp_path / "r.html")],
            "agree": ["agree", str(pred), str(gold)]}[command]
    line = one_error_line(runner.invoke(app, args))
    assert "pred.jsonl" in line and "101 mentions" in line and "at most 100 mentions" in line
    assert "ECBENCH_MAX_MENTIONS" in line and not (tmp_path / "r.html").exists()
    monkeypatch.setenv("ECBENCH_MAX_MENTIONS", "101")
    assert runner.invoke(app, args).exit_code == 0


def test_validate_and_a_gold_json_file_say_it_too(tmp_path, monkeypatch):
    monkeypatch.setenv("ECBENCH_MAX_MENTIONS", "10")
    pred = mentions_file(tmp_path / "pred.jsonl", 11)
    result = runner.invoke(app, ["validate", str(pred)])
    assert result.exit_code != 0 and "11 mentions" in result.output and "ECBENCH_MAX_MENTIONS" in result.output
    gold = {"doc_id": "d", "mentions": [{"start": 2 * i, "end": 2 * i + 1, "label": "ORG", "text": "x"}
                                        for i in range(11)]}
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / "d.json").write_text(json.dumps(gold))
    line = one_error_line(runner.invoke(app, ["score", "--gold", str(tmp_path / "gold"), "--pred", str(pred)]))
    assert "d.json" in line and "ECBENCH_MAX_MENTIONS" in line


def test_a_bad_limit_value_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("ECBENCH_MAX_MENTIONS", "lots")
    gold = mentions_file(tmp_path / "gold.jsonl", 3)
    line = one_error_line(runner.invoke(app, ["score", "--gold", str(gold), "--pred", str(gold)]))
    assert "ECBENCH_MAX_MENTIONS" in line and "positive integer" in line


def extract(tmp_path, docs):
    return runner.invoke(app, ["extract", "-e", "empty", "--docs", str(docs), "--out", str(tmp_path / "p.jsonl"),
                               "--no-progress"])


def test_a_text_past_the_limit_is_refused_in_every_document_source(tmp_path, monkeypatch):
    monkeypatch.setenv("ECBENCH_MAX_TEXT_CHARS", "1000")
    (tmp_path / "txt").mkdir()
    (tmp_path / "txt" / "a.txt").write_text("a" * 1001)
    (tmp_path / "docs.jsonl").write_text(json.dumps({"id": "a", "text": "a" * 1001}) + "\n")
    pq.write_table(pa.table({"id": ["a"], "text": ["a" * 1001]}), tmp_path / "docs.parquet")
    for source in (tmp_path / "txt", tmp_path / "docs.jsonl", tmp_path / "docs.parquet"):
        line = one_error_line(extract(tmp_path, source))
        assert "1,001 characters" in line and "at most 1,000 characters" in line and "ECBENCH_MAX_TEXT_CHARS" in line
        assert not (tmp_path / "p.jsonl").exists()
    monkeypatch.setenv("ECBENCH_MAX_TEXT_CHARS", "1001")
    assert extract(tmp_path, tmp_path / "docs.parquet").exit_code == 0


def test_a_huge_text_is_refused_before_it_is_unpacked(tmp_path, monkeypatch):
    """A few KB of zstd parquet that would unpack into 64 MB; a .txt file of 1 MB: refused from
    the sizes the metadata and the file system give, before the text is read."""
    monkeypatch.setenv("ECBENCH_MAX_TEXT_CHARS", "100")
    pq.write_table(pa.table({"id": ["a"], "text": ["a" * (64 << 20)]}), tmp_path / "bomb.parquet",
                   compression="zstd")
    assert (tmp_path / "bomb.parquet").stat().st_size < 100_000
    line = one_error_line(extract(tmp_path, tmp_path / "bomb.parquet"))
    assert "row group 1" in line and "ECBENCH_MAX_TEXT_CHARS" in line
    (tmp_path / "txt").mkdir()
    (tmp_path / "txt" / "big.txt").write_bytes(b"a" * (1 << 20))
    line = one_error_line(extract(tmp_path, tmp_path / "txt"))
    assert "bytes" in line and "ECBENCH_MAX_TEXT_CHARS" in line


def test_the_terminal_tables_summarise_labels_past_the_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("ECBENCH_MAX_TABLE_LABELS", "5")
    gold = mentions_file(tmp_path / "gold.jsonl", 50, label=lambda i: "PERSON")
    pred = mentions_file(tmp_path / "pred.jsonl", 50, label=lambda i: f"L{i:02d}")
    for options in ([], ["--format", "markdown"]):
        result = runner.invoke(app, ["score", "--gold", str(gold), "--pred", str(pred), *options],
                               env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        rows = [line for line in result.output.splitlines() if line.startswith(("│", "|"))]
        listed = [f"L{i:02d}" for i in range(50) if any(f"L{i:02d}" in row for row in rows)]
        assert len(listed) == 4  # PERSON (50 gold) and the first 4 predicted labels by name
        assert "PERSON" in result.output and "other labels (46)" in result.output
        assert "ECBENCH_MAX_TABLE_LABELS" in result.output and "--format json lists every label" in result.output
    out = tmp_path / "report.json"
    runner.invoke(app, ["score", "--gold", str(gold), "--pred", str(pred), "--format", "json", "--out", str(out)])
    assert len(json.loads(out.read_text())["mentions"]["per_label"]) == 51  # the JSON keeps all


def test_the_grouped_confusion_grid_keeps_every_count(tmp_path, monkeypatch):
    from toolkit.io.annotations import load_annotations
    from toolkit.scoring import score

    gold = mentions_file(tmp_path / "gold.jsonl", 30, label=lambda i: ["PERSON", "ORG", "GPE"][i % 3])
    pred = mentions_file(tmp_path / "pred.jsonl", 30, label=lambda i: f"L{i % 7}")
    report = score(load_annotations(gold).predictions, load_annotations(pred).predictions, {})
    full_rows, full_columns, full = report.confusion_grid()
    rows, columns, cells = report.confusion_grid(["ORG", "L1"])
    assert rows == ["ORG", "L1", "other labels", "spurious"] and columns == ["ORG", "L1", "other labels", "missed"]
    assert sum(map(sum, cells)) == sum(map(sum, full))
    assert cells[0][1] == full[full_rows.index("ORG")][full_columns.index("L1")]
