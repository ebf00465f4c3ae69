"""JSON nested 100,000 deep (issue 24) is one located line in every reader (validate, score,
report, agree, extract --docs, import, the llm extractor's answer parser), never a
RecursionError traceback."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.extractors.llm_prompt import MalformedAnswer, json_in_answer
from toolkit.io.jsonl import (
    MAX_JSON_DEPTH,
    iter_jsonl,
    loads,
    read_json,
    read_json_file,
)
from toolkit.problems import InputError

runner = CliRunner()
DEEP = "[" * 100_000 + "]" * 100_000
GOOD_GOLD = {"doc_id": "a", "mentions": [{"start": 0, "end": 3, "label": "PERSON", "text": "Kim"}]}


@pytest.fixture
def files(tmp_path):
    (tmp_path / "deep.jsonl").write_text(json.dumps(GOOD_GOLD) + "\n" + '{"doc_id": "b", "mentions": ' + DEEP
                                         + "}\n")
    (tmp_path / "deep.json").write_text('{"doc_id": "a", "mentions": ' + DEEP + "}")
    (tmp_path / "good.jsonl").write_text(json.dumps(GOOD_GOLD) + "\n")
    (tmp_path / "docs.jsonl").write_text('{"id": "a", "text": "Kim."}\n{"id": "b", "text": ' + DEEP + "}\n")
    (tmp_path / "tasks.json").write_text('[{"id": 1, "data": ' + DEEP + "}]")
    return tmp_path


def test_loads_locates_the_bracket_past_the_limit():
    with pytest.raises(json.JSONDecodeError) as raised:
        loads('{"a": "[[[[", "b": ' + DEEP + "}")
    error = raised.value
    assert f"nested deeper than {MAX_JSON_DEPTH} levels" in error.msg
    assert error.pos == len('{"a": "[[[[", "b": ') + MAX_JSON_DEPTH - 1  # brackets in strings do not count
    assert loads("[" * 100 + "]" * 100) == loads("[" * 100 + "]" * 100)  # shallow nesting still reads


def test_the_json_readers(files):
    with pytest.raises(InputError, match=r"deep.json:1: invalid JSON: nested deeper than 500 levels"):
        read_json(files / "deep.json")
    data, problems = read_json_file(files / "deep.json")
    assert data is None and "nested deeper than 500 levels" in str(problems[0])
    with pytest.raises(InputError, match=r"deep.jsonl:2: invalid JSON: nested deeper"):
        list(iter_jsonl(files / "deep.jsonl"))


@pytest.mark.parametrize("command", [
    ["validate", "{d}/deep.jsonl"],
    ["validate", "{d}/deep.json"],
    ["score", "--gold", "{d}/deep.jsonl", "--pred", "{d}/good.jsonl"],
    ["score", "--gold", "{d}/good.jsonl", "--pred", "{d}/deep.jsonl"],
    ["report", "--gold", "{d}/good.jsonl", "--pred", "{d}/deep.jsonl", "--out", "{d}/r.html"],
    ["agree", "{d}/deep.jsonl", "{d}/good.jsonl"],
    ["extract", "-e", "empty", "--docs", "{d}/docs.jsonl", "--out", "{d}/p.jsonl"],
    ["import", "label-studio", "{d}/tasks.json", "--out", "{d}/imported"],
    ["import", "doccano", "{d}/docs.jsonl", "--out", "{d}/imported"],
    ["import", "jsonl", "{d}/docs.jsonl", "--out", "{d}/imported"],
])
def test_every_command_says_one_located_line(files, command):
    result = runner.invoke(app, [part.format(d=files) for part in command])
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "nested deeper than 500 levels" in result.output and "Traceback" not in result.output
    assert any(name in result.output for name in ("deep.json", "docs.jsonl", "tasks.json"))
    assert not any((files / name).exists() for name in ("r.html", "p.jsonl", "imported"))


def test_a_model_answer_nested_too_deep_is_a_malformed_answer():
    with pytest.raises(MalformedAnswer, match="nested deeper"):
        json_in_answer('{"mentions": ' + DEEP + "}")
    with pytest.raises(MalformedAnswer):
        json_in_answer("Here: " + '{"mentions": ' + DEEP + "}")
