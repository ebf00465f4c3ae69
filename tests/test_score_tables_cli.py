"""``ecbench score`` reads mention-only files into span tables (``scoring.table``): the report,
warnings and errors must be those of the usual path, byte for byte, whatever the options."""

from __future__ import annotations

import json
import random

import pytest
from test_score_table import random_docs
from typer.testing import CliRunner

from toolkit.cli import app, score_cmds

runner = CliRunner()
HEADER = {"header": {"schema": "ecbench.predictions/v1", "produces": ["mentions"],
                     "provenance": {"extractor": "synthetic", "version": "1"}}}


def _line(doc_id, spans, **extra) -> str:
    mentions = [{"start": s, "end": e, "label": lb, **({"entity": ent} if ent else {})}
                for s, e, lb, ent in spans]
    return json.dumps({"doc_id": doc_id, "mentions": mentions, **extra})


@pytest.fixture
def files(tmp_path):
    gold, pred = random_docs(random.Random(7), 45, crowded=True)
    gold_file, pred_file = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    gold_file.write_text("".join(_line(d, s) + "\n" for d, s in gold.items()))
    lines = [json.dumps(HEADER)]
    for k, (d, spans) in enumerate(pred.items()):
        lines.append(_line(d, spans, **({"error": "timeout"} if k == 3 else {})))
    pred_file.write_text("\n".join(lines) + "\n")
    return gold_file, pred_file


def _both(monkeypatch, args):
    """The command's result through the table path and through the usual one, and whether the
    table path took the files."""
    taken = []
    tables = score_cmds.score_as_tables

    def spy(*a, **k):
        report = tables(*a, **k)
        taken.append(report is not None)
        return report

    monkeypatch.setattr(score_cmds, "score_as_tables", spy)
    fast = runner.invoke(app, args)
    monkeypatch.setattr(score_cmds, "score_as_tables", lambda *a, **k: None)
    usual = runner.invoke(app, args)
    return fast, usual, taken == [True]


@pytest.mark.parametrize("options", [
    [], ["--min-overlap", "50"], ["--label-map", "GPE=LOC,ORG=", "--labels", "PER,LOC,FAC"],
    ["--resamples", "0"], ["--format", "markdown"], ["--seed", "3", "--min-overlap", "100"]])
def test_table_path_writes_the_usual_report(files, monkeypatch, options):
    gold, pred = files
    args = ["score", "--gold", str(gold), "--pred", str(pred), "--format", "json", *options]
    fast, usual, taken = _both(monkeypatch, args)
    assert taken
    assert fast.exit_code == usual.exit_code == 0, fast.output + usual.output
    assert fast.stdout == usual.stdout
    assert fast.stderr == usual.stderr
    assert "repeated predicted mention" in fast.stderr  # random_docs repeats some predictions
    if "markdown" not in options:
        failed = json.loads(fast.stdout)["documents"]["failed"]
        assert [f["error"] for f in failed] == ["timeout"]


@pytest.mark.parametrize("options", [["--claim-match", "token"],
                                     ["--claim-match", "token", "--threshold", "0.3",
                                      "--no-gate"]])
def test_headerless_files_get_the_usual_empty_claim_section(files, monkeypatch, tmp_path,
                                                             options):
    gold, pred = files
    headerless = tmp_path / "headerless.jsonl"
    headerless.write_text("".join(pred.read_text().splitlines(keepends=True)[1:]))
    args = ["score", "--gold", str(gold), "--pred", str(headerless), "--format", "json", *options]
    fast, usual, taken = _both(monkeypatch, args)
    assert taken and fast.exit_code == 0
    assert (fast.stdout, fast.stderr) == (usual.stdout, usual.stderr)
    report = json.loads(fast.stdout)
    assert report["skipped"] == {} and report["claims"]["tp"] == 0
    assert "claims" in report["confidence"]["intervals"]


def test_claims_and_bad_files_take_the_usual_path(files, monkeypatch, tmp_path):
    gold, pred = files
    claims = tmp_path / "claims.jsonl"
    claims.write_text(pred.read_text() + json.dumps({"doc_id": "x", "claims": [
        {"text": "a claim"}]}) + "\n")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(pred.read_text() + '{"doc_id": "y", "mentions": [{"start": 5, "end": 2, '
                   '"label": "PER"}]}\n')
    twice = tmp_path / "twice.jsonl"  # one id on two mentions of a line
    twice.write_text(pred.read_text() + '{"doc_id": "z", "mentions": [{"start": 1, "end": 2, '
                     '"label": "PER", "id": "m"}, {"start": 3, "end": 4, "label": "PER", '
                     '"id": "m"}]}\n')
    for path in (claims, twice, bad):
        args = ["score", "--gold", str(gold), "--pred", str(path), "--format", "json",
                "--claim-match", "token", "--resamples", "0"]
        fast, usual, taken = _both(monkeypatch, args)
        assert not taken
        assert (fast.exit_code, fast.stdout, fast.stderr) == \
            (usual.exit_code, usual.stdout, usual.stderr)
    line = len(bad.read_text().splitlines())
    assert usual.exit_code == 1 and f"bad.jsonl:{line}: mentions[0].end" in usual.stderr


def test_mention_ids_are_read(files, monkeypatch, tmp_path):
    gold, pred = files
    with_ids = tmp_path / "ids.jsonl"
    lines = pred.read_text().splitlines()
    at = next(k for k, line in enumerate(lines[1:], 1) if len(json.loads(line)["mentions"]) > 1)
    record = json.loads(lines[at])
    for k, m in enumerate(record["mentions"]):
        m["id"] = f"m{k}"
    with_ids.write_text("\n".join(lines[:at] + [json.dumps(record)] + lines[at + 1:]) + "\n")
    args = ["score", "--gold", str(gold), "--pred", str(with_ids), "--format", "json"]
    fast, usual, taken = _both(monkeypatch, args)
    assert taken and fast.exit_code == 0
    assert (fast.stdout, fast.stderr) == (usual.stdout, usual.stderr)


def test_blank_lines_and_crlf_are_read_line_by_line(files, monkeypatch, tmp_path):
    gold, pred = files
    crlf = tmp_path / "crlf.jsonl"
    lines = pred.read_text().splitlines()
    crlf.write_bytes(("\r\n".join(lines[:10] + ["", "  "] + lines[10:]) + "\r\n").encode())
    args = ["score", "--gold", str(gold), "--pred", str(crlf), "--format", "json"]
    fast, usual, taken = _both(monkeypatch, args)
    assert taken and fast.exit_code == 0
    assert (fast.stdout, fast.stderr) == (usual.stdout, usual.stderr)
    plain = runner.invoke(app, ["score", "--gold", str(gold), "--pred", str(pred), "--format",
                                "json"])
    assert json.loads(plain.stdout)["mentions"] == json.loads(fast.stdout)["mentions"]
