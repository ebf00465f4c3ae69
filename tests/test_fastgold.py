"""The msgspec fast path for gold files (``toolkit.io.gold``) takes only what pydantic's strict
parse takes, with the same values, and hands everything else back (None): so what a corpus
accepts, and every error message, stay pydantic's."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from toolkit.io.gold import checked_gold_file, read_gold
from toolkit.schema import DocumentGold

GOOD = {
    "schema": "ecbench.gold/v1", "doc_id": "d",
    "mentions": [{"id": "m1", "start": 0, "end": 3, "label": "PERSON", "text": "Kim",
                  "entity": "e1"}],
    "entities": [{"id": "e1", "name": "Kim", "type": "PERSON"}],
    "claims": [{"id": "c1", "span": {"start": 0, "end": 9, "text": "Kim said."},
                "statement": "s", "claimant": "e1", "cue": {"start": 4, "end": 8, "text": "said"},
                "type": "event", "checkworthy": True, "entities": ["e1"]}],
}
# values pydantic's strict mode refuses or takes, of every JSON type
ODD = [None, True, False, 0, -1, 1.0, 2.5, 10**20, "", "x", "10", "PERSON", "event",
       "ecbench.gold/v1", [], ["e1"], {}, {"start": 0, "end": 3, "text": "Kim"}]
KEYS = ["schema", "schema_", "doc_id", "mentions", "entities", "claims", "id", "start", "end",
        "label", "text", "entity", "name", "type", "span", "statement", "claimant", "cue",
        "checkworthy", "extra"]


def _objects(data, out):
    """Every JSON object in ``data`` (to pick one to change)."""
    if isinstance(data, dict):
        out.append(data)
        for value in data.values():
            _objects(value, out)
    elif isinstance(data, list):
        for value in data:
            _objects(value, out)
    return out


@st.composite
def gold_json(draw):
    data = json.loads(json.dumps(GOOD))
    for _ in range(draw(st.integers(0, 3))):
        target = draw(st.sampled_from(_objects(data, [])))
        offsets = sorted({"start", "end"} & set(target))
        change = draw(st.sampled_from(["set", "drop", "swap"][:3 if offsets else 2 if target else 1]))
        key = draw(st.sampled_from(KEYS if change == "set" else offsets if change == "swap"
                                   else sorted(target)))
        if change == "set":
            target[key] = json.loads(json.dumps(draw(st.sampled_from(ODD))))  # a fresh copy
        elif change == "drop":
            del target[key]
        else:  # an offset moved: end before start, negative, past the text
            target[key] = draw(st.integers(-2, 12))
    return json.dumps(data, ensure_ascii=False).encode()


@settings(max_examples=500, deadline=None)
@given(gold_json())
def test_fast_path_takes_only_what_pydantic_takes_with_the_same_values(raw):
    fast = read_gold(raw)
    try:
        slow = DocumentGold.model_validate_json(raw, strict=True)
    except ValidationError:
        assert fast is None
        return
    if b'"schema_"' not in raw:  # the one name pydantic takes and the fast path does not
        assert fast is not None
    if fast is not None:
        assert fast.model_dump() == slow.model_dump()
        assert fast.model_dump(include={"mentions", "claims"}) == slow.model_dump(
            include={"mentions", "claims"})


def test_duplicate_keys_keep_the_last_value_both_ways():
    raw = json.dumps(GOOD)[:-1].encode() + b', "doc_id": "e"}'
    assert read_gold(raw).doc_id == DocumentGold.model_validate_json(raw, strict=True).doc_id == "e"


def test_a_file_the_fast_path_refuses_gets_pydantics_located_problems(tmp_path):
    bad = json.loads(json.dumps(GOOD))
    bad["mentions"][0]["start"] = "0"  # a string: strict refuses it
    path = Path(tmp_path) / "d.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    assert read_gold(path.read_bytes()) is None
    gold, problems = checked_gold_file(path, "Kim said.")
    assert gold is None
    assert [str(p) for p in problems] == [
        f"{path}: mentions[0] (id m1): start: found '0' (a string), expected a valid integer"]
