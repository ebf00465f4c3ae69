"""The msgspec fast path reads exactly what the located (pydantic) path reads, and hands every
file it cannot take back to it, so errors are the same one line either way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toolkit.io.predictions import read_predictions
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
    assert type(fast[0]).__name__ == "FastPrediction"  # the fast path did take it
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
