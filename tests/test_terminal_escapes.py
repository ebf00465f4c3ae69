"""Values from a file reach the terminal escaped (issue 24): ESC, OSC, other C0/C1 control
characters and bidi overrides in labels, document ids, statements and claimants are shown as
``\\u001b``-style escapes by the ``score`` table, ``--errors``, ``--format markdown`` and
``validate``; rich markup in a label prints literally."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.problems import Problem, printable, show

runner = CliRunner()
ESC = "\x1b"
RAW = (ESC, "\x07", "\x9b", "\x00", "\x7f", "\u202e")  # none of these may reach the terminal
DOC_ID = f"d{ESC}]0;owned{ESC}\\"  # an OSC that would set the window title
MARKUP = f"[bold]X{ESC}[2J\x9b"  # rich markup, clear-screen, a C1 CSI


@pytest.fixture
def hostile(tmp_path):
    gold = {"doc_id": DOC_ID, "mentions": [{"start": 0, "end": 3, "label": "PERSON", "text": "Kim"}],
            "claims": [{"statement": f"Kim said {ESC}[2J it", "claimant": f"Boss{ESC}[31m"}]}
    pred = {"doc_id": DOC_ID, "mentions": [{"start": 0, "end": 3, "label": MARKUP},
                                          {"start": 4, "end": 7, "label": f"GPE{ESC}]0;t\x07\u202e"}],
            "claims": [{"statement": f"Nothing {ESC}[5m alike\x00", "claimant": f"x{ESC}c\x7f"}]}
    (tmp_path / "gold.jsonl").write_text(json.dumps(gold) + "\n")
    header = {"header": {"schema": "ecbench.predictions/v1", "produces": ["mentions", "claims"]}}
    only_pred = {"doc_id": f"extra{ESC}[8m", "mentions": []}  # listed in the notes, not in a table
    (tmp_path / "pred.jsonl").write_text(json.dumps(header) + "\n" + json.dumps(pred) + "\n"
                                         + json.dumps(only_pred) + "\n")
    return tmp_path


@pytest.mark.parametrize("options", [[], ["--errors"], ["--format", "markdown"],
                                     ["--errors", "--format", "markdown"]])
def test_score_views_escape_control_characters_and_markup(hostile, options):
    result = runner.invoke(app, ["score", "--gold", str(hostile / "gold.jsonl"), "--pred",
                                 str(hostile / "pred.jsonl"), "--claim-match", "token", *options])
    assert result.exit_code == 0, result.output
    assert not [c for c in RAW if c in result.output]
    assert "\\u001b" in result.output
    if "--errors" not in options:
        assert "[bold]X\\u001b[2J\\u009b" in result.output  # the label, literally
        assert "Claim matcher: token" in result.output


def test_the_table_written_to_a_file_is_escaped_too(hostile):
    out = hostile / "table.txt"
    result = runner.invoke(app, ["score", "--gold", str(hostile / "gold.jsonl"), "--pred",
                                 str(hostile / "pred.jsonl"), "--claim-match", "token", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert not [c for c in RAW if c in text] and "[bold]X" in text


def test_validate_escapes_record_names(tmp_path):
    bad = {"doc_id": f"d{ESC}]0;pwned\x07", "mentions": [{"start": 5, "end": 2, "label": "PERSON"}]}
    (tmp_path / "gold.jsonl").write_text(json.dumps(bad) + "\n")
    result = runner.invoke(app, ["validate", str(tmp_path / "gold.jsonl")])
    assert result.exit_code != 0
    assert not [c for c in RAW if c in result.output]
    assert "d\\u001b]0;pwned\\u0007" in result.output


def test_printable_escapes_only_what_a_terminal_acts_on():
    readable = "Kim Jong Un, 한국, café, \u201cquoted\u201d"
    assert printable(readable) == readable
    assert printable(f"a{ESC}[2Jb\n\x9b\x7f\u202e") == "a\\u001b[2Jb\\n\\u009b\\u007f\\u202e"
    assert show("a\x7f") == "'a\\u007f'"
    problem = Problem(f"f{ESC}.json", f"mentions[0] (id {ESC}x)", None, "1", "2")
    assert ESC not in str(problem)


def test_compare_escapes_system_names_from_the_files(tmp_path):
    """The system names compare prints come from the predictions headers."""
    from test_compare import _files

    gold_file, files = _files(tmp_path, {f"[bold]a{ESC}]0;x\x07": 0.9, f"b{ESC}[2J": 0.6})
    for options in ([], ["--format", "markdown"]):
        result = runner.invoke(app, ["compare", *files, "--gold", str(gold_file), "--shuffles", "200",
                                     *options])
        assert result.exit_code == 0, result.output
        assert not [c for c in RAW if c in result.output]
        assert "[bold]a\\u001b]0;x\\u0007" in result.output
