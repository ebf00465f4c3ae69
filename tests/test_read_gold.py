"""The gold reader (``toolkit.io.gold.read_gold_file``): whichever of its two paths takes a file
(msgspec's fast one, or pydantic's located one), the same gold and the same problems; what it
accepts is what pydantic's strict parse accepts; and every reader of gold gives its one type,
``Gold``, which does what ``DocumentGold`` does."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from toolkit.io.annotations import load_annotations
from toolkit.io.corpus import load, stream
from toolkit.io.gold import Gold, check_gold_json, decode_gold, read_gold_file
from toolkit.schema import DocumentGold, Mention

VALID = Path(__file__).parent / "data" / "valid_corpus"
TEXT = "Kim said."
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
@given(raw=gold_json())
def test_either_path_gives_the_same_gold_and_problems(raw, tmp_path_factory):
    path = tmp_path_factory.mktemp("gold") / "d.json"
    path.write_bytes(raw)
    gold, problems = read_gold_file(path, TEXT)
    located, located_problems = check_gold_json(json.loads(raw), TEXT, str(path), "d")
    assert gold == located and problems == located_problems
    try:
        model = DocumentGold.model_validate_json(raw, strict=True)
    except ValidationError:  # what pydantic refuses, both paths refuse, naming why
        assert gold is None and decode_gold(raw) is None and problems
        return
    assert isinstance(gold, Gold) and gold == model
    assert gold.model_dump() == model.model_dump()
    if b'"schema_"' not in raw:  # the one name pydantic takes and the fast path does not
        assert decode_gold(raw) == gold  # the fast path took it


def test_duplicate_keys_keep_the_last_value_both_ways():
    raw = json.dumps(GOOD)[:-1].encode() + b', "doc_id": "e"}'
    assert decode_gold(raw).doc_id == DocumentGold.model_validate_json(raw, strict=True).doc_id == "e"


def test_a_file_the_fast_path_refuses_gets_pydantics_located_problems(tmp_path):
    bad = json.loads(json.dumps(GOOD))
    bad["mentions"][0]["start"] = "0"  # a string: strict refuses it
    path = Path(tmp_path) / "d.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    assert decode_gold(path.read_bytes()) is None
    gold, problems = read_gold_file(path, "Kim said.")
    assert gold is None
    assert [str(p) for p in problems] == [
        f"{path}: mentions[0] (id m1): start: found '0' (a string), expected a valid integer"]


def test_a_file_only_pydantic_takes_is_read_as_gold_too(tmp_path):
    data = {**{k: v for k, v in GOOD.items() if k != "schema"}, "schema_": "ecbench.gold/v1"}
    path = Path(tmp_path) / "d.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert decode_gold(path.read_bytes()) is None
    gold, problems = read_gold_file(path, TEXT)
    assert problems == [] and type(gold) is Gold
    assert gold == DocumentGold.model_validate(data, strict=True)


# --- one type, whoever reads ------------------------------------------------------------------


def test_every_reader_gives_gold():
    golds = [load(VALID)["doc1"].gold, load(VALID, check=False)["doc1"].gold,
             next(iter(stream(VALID))).gold, next(iter(stream(VALID, check=False))).gold,
             read_gold_file(VALID / "annotations/gold/doc1.json")[0]]
    assert all(type(g) is Gold for g in golds)
    assert all(g == golds[0] for g in golds)
    # the annotation sources read gold files through it too
    assert load_annotations(VALID / "annotations/gold").predictions == [golds[0].as_prediction()]


def test_gold_does_what_document_gold_does():
    gold = load(VALID)["doc1"].gold
    model = DocumentGold.model_validate_json(
        (VALID / "annotations/gold/doc1.json").read_bytes(), strict=True)
    own = {name for name, value in vars(DocumentGold).items()
           if callable(value) and not name.startswith("_")}
    assert own and all(callable(getattr(gold, name, None)) for name in own)
    assert gold.as_prediction() == model.as_prediction()
    for options in ({}, {"by_alias": True}, {"mode": "json", "by_alias": True, "exclude_none": True},
                    {"include": {"mentions", "claims"}}):
        assert gold.model_dump(**options) == model.model_dump(**options), options
    assert gold.model_copy(update={"doc_id": "x"}) == model.model_copy(update={"doc_id": "x"})
    # equal to the pydantic model, either way round, and only when every field is
    assert gold == model and model == gold and [model] == [gold]
    assert gold != model.model_copy(update={"doc_id": "x"})
    assert gold.mentions[0] == model.mentions[0] and gold.mentions[0] != model.mentions[1]
    assert gold.mentions[0] != Mention.model_validate({**model.mentions[0].model_dump(),
                                                       "id": "other"})
    assert hash(gold.mentions[0]) == hash(pickle.loads(pickle.dumps(gold.mentions[0])))
    with pytest.raises(TypeError):  # a list inside: unhashable, as the frozen pydantic model
        hash(gold)
