"""Plugin names from the command line (issue 24): ``-e module:Class`` and ``--claim-match
module:Class`` refuse a malformed name or a standard-library module in one line before importing
anything, and name what they found by its type, never by its value."""

from __future__ import annotations

import os
import sys
import textwrap

import pytest
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.extractors.registry import get as get_extractor
from toolkit.problems import ClaimCheckError, ExtractorError, MatcherError
from toolkit.scoring.claim_checks.registry import resolve as resolve_claim_check
from toolkit.scoring.matchers import get as get_matcher

runner = CliRunner()


@pytest.fixture
def secret_env(monkeypatch):
    monkeypatch.setenv("ECBENCH_TEST_SECRET", "sk-environ-do-not-print")
    return "sk-environ-do-not-print"


@pytest.mark.parametrize("load, error", [(get_extractor, ExtractorError), (get_matcher, MatcherError),
                                         (resolve_claim_check, ClaimCheckError)])
@pytest.mark.parametrize("path, words", [
    ("os:environ", "standard library"),
    ("builtins:print", "standard library"),
    ("this:x", "standard library"),
    ("..x:Y", "dotted Python names"),
    ("x:", "dotted Python names"),
    ("a-b:C", "dotted Python names"),
    ("no_such_module_for_ecbench:Thing", "cannot import module 'no_such_module_for_ecbench'"),
    ("toolkit.problems:SHOWN_IDS", "found a 'int' object"),
    ("toolkit.problems:InputError", "found the class 'InputError'"),
])
def test_bad_plugin_names_are_one_line_and_never_show_a_value(load, error, path, words, secret_env, capsys):
    sys.modules.pop("this", None)
    with pytest.raises(error) as raised:
        load(path)
    message = str(raised.value)
    assert words in message and "\n" not in message and secret_env not in message
    assert "this" not in sys.modules  # the Zen of Python was neither imported nor printed
    assert capsys.readouterr().out == ""


def test_a_module_whose_import_fails_is_one_line(tmp_path, monkeypatch):
    (tmp_path / "broken_plugin_for_ecbench.py").write_text("raise RuntimeError('no licence')\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ExtractorError, match="importing module 'broken_plugin_for_ecbench' failed: "
                                             "RuntimeError: no licence"):
        get_extractor("broken_plugin_for_ecbench:X")


def test_a_plugin_from_the_working_directory_still_loads(tmp_path, monkeypatch):
    (tmp_path / "good_plugin_for_ecbench.py").write_text(textwrap.dedent("""
        from toolkit.extractors import Extractor
        class Good(Extractor):
            name = "good"
            def extract(self, docs):
                return []
    """))
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    assert get_extractor("good_plugin_for_ecbench:Good").name == "good"


@pytest.mark.parametrize("args", [["extract", "-e", "os:environ"], ["extract", "-e", "..x:Y"],
                                  ["extract", "-e", "this:x"]])
def test_the_cli_says_one_line(args, tmp_path, secret_env):
    docs = tmp_path / "docs.jsonl"
    docs.write_text('{"id": "a", "text": "Kim met Moon."}\n')
    result = runner.invoke(app, [*args, "--docs", str(docs), "-o", str(tmp_path / "p.jsonl")],
                           env={**os.environ})
    assert result.exit_code != 0
    assert "Traceback" not in result.output and secret_env not in result.output
    assert "The Zen of Python" not in result.output
    assert len(result.output.strip().splitlines()) <= 2, result.output


@pytest.mark.parametrize("matcher", ["builtins:print", "os:environ", "..x:Y"])
def test_score_with_a_bad_claim_matcher_says_one_line(matcher, secret_env):
    gold = "tests/data/seed_claims/gold.jsonl"
    result = runner.invoke(app, ["score", "--gold", gold, "--pred", gold, "--claim-match", matcher])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert secret_env not in result.output and "claim matcher" in result.output
