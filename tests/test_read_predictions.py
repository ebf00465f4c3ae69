"""The predictions reader (``toolkit.io.predictions``): whichever of its paths takes a file (the
msgspec fast path, the span-table read, or the located pydantic path), the same records and the
same errors; the fast paths hand every file they cannot take back to the located path, so
errors are the same one line either way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toolkit.io.predictions import (
    FastPrediction,
    is_header,
    load_predictions,
    read_fast,
    read_predictions,
    read_table,
)
from toolkit.io.spantable import Vocab
from toolkit.problems import InputError

BAD = Path(__file__).parent / "data" / "bad" / "predictions"

GOOD_LINES = [
    {"header": {"schema": "ecbench.predictions/v1", "produces": ["mentions", "claims"],
                "provenance": {"extractor": "x"}}},
    {"doc_id": "a", "mentions": [{"start": 0, "end": 3, "label": "PERSON", "id": "m1",
                                  "text": "Kim", "entity": "e1", "score": 0.9},
                                 {"start": 5, "end": 9, "label": "GPE"}],
     "claims": [{"span": {"start": 0, "end": 9, "text": "Kim x"}, "statement": "s",
                 "claimant": "e1", "type": "event", "checkworthy": True}]},
    {"doc_id": "b"},
    {"doc_id": "c", "mentions": [], "error": "timeout"},
]


def _write(tmp_path, lines, name="p.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line)
                              for line in lines) + "\n")
    return path


def test_a_good_file_reads_the_same_both_ways(tmp_path):
    path = _write(tmp_path, GOOD_LINES)
    fast_header, fast = read_predictions(path, fast=True)
    slow_header, slow = read_predictions(path)
    assert type(fast[0]) is FastPrediction  # the fast path did take it
    assert fast_header == slow_header
    assert [p.doc_id for p in fast] == [p.doc_id for p in slow]
    assert [p.error for p in fast] == [p.error for p in slow]
    fields = ("start", "end", "label", "id", "text", "entity")
    for f, s in zip(fast, slow):
        assert [tuple(getattr(m, k) for k in fields) for m in f.mentions] == \
            [tuple(getattr(m, k) for k in fields) for m in s.mentions]
        assert f.claims == s.claims


BAD_LINES = {
    "float offset": {"doc_id": "a", "mentions": [{"start": 1.0, "end": 3, "label": "X"}]},
    "bool offset": {"doc_id": "a", "mentions": [{"start": True, "end": 3, "label": "X"}]},
    "negative": {"doc_id": "a", "mentions": [{"start": -1, "end": 3, "label": "X"}]},
    "empty label": {"doc_id": "a", "mentions": [{"start": 0, "end": 3, "label": ""}]},
    "null mentions": {"doc_id": "a", "mentions": None},
    "empty doc_id": {"doc_id": ""},
    "bad claim": {"doc_id": "a", "claims": [{"claimant": "e1"}]},
    "repeated id": {"doc_id": "a", "mentions": [{"start": 0, "end": 3, "label": "X", "id": "m"},
                                                {"start": 4, "end": 6, "label": "X", "id": "m"}]},
    "not an object": [1, 2],
    "not JSON": '{"doc_id": "a", "mentions": [',
}


@pytest.mark.parametrize("case", sorted(BAD_LINES))
def test_a_bad_line_gets_the_located_error_either_way(tmp_path, case):
    path = _write(tmp_path, [{"doc_id": "ok"}, BAD_LINES[case]])
    with pytest.raises(InputError) as slow:
        read_predictions(path)
    with pytest.raises(InputError) as fast:
        read_predictions(path, fast=True)
    assert str(fast.value) == str(slow.value) and ":2" in str(slow.value)


def test_whole_file_problems_too(tmp_path):
    cases = {"twice": [{"doc_id": "a"}, {"doc_id": "a"}],
             "late header": [{"doc_id": "a"}, GOOD_LINES[0]]}
    for name, lines in cases.items():
        path = _write(tmp_path, lines, f"{name}.jsonl")
        with pytest.raises(InputError) as slow:
            read_predictions(path)
        with pytest.raises(InputError) as fast:
            read_predictions(path, fast=True)
        assert str(fast.value) == str(slow.value), name
    # the bad files of other checks too: the reader either refuses both ways with the same
    # message, or both ways reads the same (their problems are found later, by the scorer)
    raised = 0
    for path in sorted(BAD.glob("*.jsonl")):
        try:
            slow = read_predictions(path)
        except InputError as e:
            raised += 1
            with pytest.raises(InputError) as fast:
                read_predictions(path, fast=True)
            assert str(fast.value) == str(e), path.name
        else:
            assert _shape(read_predictions(path, fast=True)) == _shape(slow), path.name
    assert raised


def _shape(read):
    """What scoring reads of a predictions file, whichever reader made it."""
    _header, preds = read
    return [(p.doc_id, [(m.start, m.end, m.label, m.text) for m in p.mentions], len(p.claims))
            for p in preds]


def test_the_header_is_told_apart_by_one_rule(tmp_path):
    assert is_header({"header": {}}) and not is_header({"header": {}, "doc_id": "a"})
    assert not is_header([{"header": {}}]) and not is_header({"doc_id": "a"})
    # a prediction that carries a "header" field is a prediction, on every path
    lines = [{"doc_id": "a", "header": "x", "mentions": [{"start": 0, "end": 3, "label": "X"}]}]
    path = _write(tmp_path, lines)
    assert read_fast(path.read_bytes())[0] is None
    assert read_predictions(path)[0] is None and read_predictions(path)[1][0].doc_id == "a"
    table = read_table(path, Vocab())
    assert table.header is None and table.table.doc_ids == ["a"]


def test_the_span_table_reads_the_same_spans_and_refuses_the_same_files(tmp_path):
    lines = [GOOD_LINES[0], {"doc_id": "a", "mentions": [
        {"start": 0, "end": 3, "label": "PERSON", "entity": "e1"},
        {"start": 5, "end": 9, "label": "GPE"}]}, {"doc_id": "b"}]
    path = _write(tmp_path, lines)
    vocab = Vocab()
    read = read_table(path, vocab)
    header, preds = read_predictions(path)
    assert read.header == header
    table = read.table
    labels, entities = vocab.label_names(), vocab.entity_names()
    assert table.doc_ids == [p.doc_id for p in preds]
    assert [(int(s), int(e), labels[k], entities[x] if x >= 0 else None)
            for s, e, k, x in zip(table.start, table.end, table.label, table.entity)] == [
        (m.start, m.end, m.label, m.entity) for p in preds for m in p.mentions]
    for case in sorted(BAD_LINES):
        bad = _write(tmp_path, [{"doc_id": "ok"}, BAD_LINES[case]], f"{case}.jsonl")
        assert read_table(bad, Vocab()) is None, case


def test_keys_spelt_with_escapes_are_read_as_the_keys(tmp_path):
    """A field name written with \\u escapes is that field: repeated ids are refused and entity
    ids read on every path, though the bytes ``"id"`` and ``"entity"`` appear nowhere."""
    repeated = ('{"doc_id": "a", "mentions": [{"start": 0, "end": 3, "label": "X", '
                '"\\u0069d": "m"}, {"start": 4, "end": 6, "label": "X", "\\u0069d": "m"}]}')
    path = _write(tmp_path, [repeated])
    assert b'"id"' not in path.read_bytes()
    assert read_fast(path.read_bytes()) is None and read_table(path, Vocab()) is None
    with pytest.raises(InputError, match="a unique id"):
        read_predictions(path, fast=True)
    entity = '{"doc_id": "a", "mentions": [{"start": 0, "end": 3, "label": "X", "\\u0065ntity": "e"}]}'
    path = _write(tmp_path, [entity], "entity.jsonl")
    vocab = Vocab()
    assert read_table(path, vocab).table.entity.tolist() == [0] and vocab.entity_names() == ["e"]


def test_a_doc_id_of_another_type_is_a_located_problem(tmp_path):
    path = _write(tmp_path, [{"doc_id": ["x"], "mentions": []}, {"doc_id": {"a": 1}}])
    _, _, problems = load_predictions(path, texts={"x": "text"})
    assert [str(p) for p in problems] == [
        f"{path}: line 1: doc_id: found [\"x\"] (a list), expected a valid string",
        f"{path}: line 2: doc_id: found {{\"a\": 1}} (an object), expected a valid string"]
