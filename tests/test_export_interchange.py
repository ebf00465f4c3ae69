"""Label Studio export -> import gives back the gold; annotations made in Label Studio and
Doccano become validated gold; bad input fails with a located message."""

from __future__ import annotations

import copy
import json

import pytest
from test_export_fixture import load_fixture

from toolkit.export.doccano import read_doccano, record_to_gold
from toolkit.export.labelstudio import (
    LABEL_CONFIG,
    corpus_to_tasks,
    task_to_gold,
    tasks_to_gold,
)
from toolkit.problems import InputError


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return load_fixture(tmp_path_factory.mktemp("corpus"))


def test_label_studio_export_then_import_is_the_gold(corpus):
    tasks = json.loads(json.dumps(corpus_to_tasks(corpus)))  # through JSON, as on disk
    assert [(t, g) for t, g in tasks_to_gold(tasks)] == [(d.text, d.gold) for d in corpus]
    assert '<Labels name="claim"' in LABEL_CONFIG and 'value="CARDINAL"' in LABEL_CONFIG


def test_annotation_made_in_label_studio(corpus):
    text = "Kim met Lavrov. 🙂 Lavrov said Kim agreed."
    kim2 = text.index("Kim", 5)
    task = {"id": 7, "data": {"text": text}, "annotations": [
        {"was_cancelled": True, "result": []},
        {"result": [
            {"id": "r1", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 0, "end": 3, "text": "Kim", "labels": ["PERSON"]}},
            {"id": "r1", "from_name": "entity", "type": "textarea", "value": {"text": ["kim"]}},
            # UTF-16 offsets after the emoji, as some Label Studio versions write them
            {"id": "r2", "from_name": "label", "type": "labels",
             "value": {"start": kim2 + 1, "end": kim2 + 4, "text": "Kim", "labels": ["PERSON"]}},
            {"id": "r2", "from_name": "entity", "type": "textarea", "value": {"text": ["kim"]}},
            {"id": "r3", "from_name": "label", "type": "labels",
             "value": {"start": 8, "end": 14, "text": "Lavrov", "labels": ["PERSON"]}},
            {"id": "k1", "from_name": "claim", "type": "labels",
             "value": {"start": kim2, "end": len(text) - 1, "text": "Kim agreed", "labels": ["event"]}},
            {"id": "k1", "from_name": "statement", "type": "textarea", "value": {"text": ["Kim agreed."]}},
            {"id": "k1", "from_name": "claimant", "type": "textarea", "value": {"text": ["ent_r3"]}},
            {"id": "k1", "from_name": "checkworthy", "type": "choices", "value": {"choices": ["yes"]}},
            {"id": "q1", "from_name": "cue", "type": "labels",
             "value": {"start": 18, "end": 29, "text": "Lavrov said", "labels": ["cue"]}},
            {"type": "relation", "from_id": "q1", "to_id": "k1", "direction": "right"},
        ]},
    ]}
    got_text, gold = task_to_gold(task, 0)
    assert got_text == text and gold.doc_id == "labelstudio_7"
    assert [(m.id, m.start, m.entity) for m in gold.mentions] == [("r1", 0, "kim"), ("r2", kim2, "kim"), ("r3", 8, "ent_r3")]
    assert [(e.id, e.name, e.type) for e in gold.entities] == [("kim", "Kim", "PERSON"), ("ent_r3", "Lavrov", "PERSON")]
    claim = gold.claims[0]
    assert (claim.claimant, claim.cue.text, claim.checkworthy, claim.entities) == ("ent_r3", "Lavrov said", True, [])


def test_label_studio_errors_are_located(corpus):
    tasks = corpus_to_tasks(corpus)
    bad = copy.deepcopy(tasks)
    bad[1]["predictions"][0]["result"][0]["value"]["text"] = "North Korea"
    with pytest.raises(InputError, match=r"task \[1\] \(b02_troops\): result 0: text: found 'North Korea'"):
        tasks_to_gold(bad, "ls.json")
    bad = copy.deepcopy(tasks)
    bad[0]["annotations"] = [{"result": []}, {"result": []}]
    with pytest.raises(InputError, match="found 2 non-cancelled annotations, expected one"):
        tasks_to_gold(bad, "ls.json")
    bad = copy.deepcopy(tasks)
    claimant = next(r for r in bad[1]["predictions"][0]["result"] if r["from_name"] == "claimant")
    claimant["value"]["text"] = ["nobody"]
    with pytest.raises(InputError, match=r"claimant: found 'nobody'"):
        tasks_to_gold(bad, "ls.json")
    with pytest.raises(InputError, match="ls.json: found dict, expected a JSON list of tasks"):
        tasks_to_gold({"data": {}}, "ls.json")


def test_doccano_jsonl_import(tmp_path):
    path = tmp_path / "doccano.jsonl"
    text = "Lavrov’s visit to Wonsan ended."
    lines = [{"id": 3, "text": text, "label": [[18, 24, "GPE"], [0, 6, "PERSON"]]},
             {"doc_id": "x", "text": "Kim", "entities": [{"id": 1, "start_offset": 0, "end_offset": 3, "label": "PERSON"}]}]
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    (t1, g1), (t2, g2) = read_doccano(path)
    assert g1.doc_id == "doccano_3" and t1 == text
    assert [(m.id, m.text, m.label, m.entity) for m in g1.mentions] == [
        ("m1", "Lavrov", "PERSON", "ent_m1"), ("m2", "Wonsan", "GPE", "ent_m2")]
    assert [(e.id, e.name) for e in g1.entities] == [("ent_m1", "Lavrov"), ("ent_m2", "Wonsan")]
    assert g1.claims == [] and g2.doc_id == "x"


def test_doccano_errors_are_located():
    with pytest.raises(InputError, match=r"d.jsonl:4: label 1: found label 'PER'"):
        record_to_gold({"text": "Kim", "label": [[0, 3, "PER"]]}, 4, "d.jsonl")
    with pytest.raises(InputError, match=r"d.jsonl:2: label 1: found \[0, 9\]"):
        record_to_gold({"text": "Kim", "label": [[0, 9, "PERSON"]]}, 2, "d.jsonl")
    with pytest.raises(InputError, match=r"d.jsonl:1: text: missing"):
        record_to_gold({"label": []}, 1, "d.jsonl")


def test_label_studio_errors_name_the_task_id_not_its_position(corpus):
    """Label Studio's own task ids (100, 101 ...) are what a person finds in the tool."""
    tasks = corpus_to_tasks(corpus)
    for n, task in enumerate(tasks):
        task["id"] = 100 + n
    tasks[1]["predictions"][0]["result"][0]["value"]["text"] = "North Korea"
    with pytest.raises(InputError, match=r"task 101 \(b02_troops\): result 0: text:"):
        tasks_to_gold(tasks, "ls.json")
    tasks = [copy.deepcopy(corpus_to_tasks(corpus)[0]) for _ in range(2)]
    tasks[0]["id"], tasks[1]["id"] = 7, 9
    with pytest.raises(InputError, match=r"task 9: data.doc_id: found '.*' again \(task 7\)"):
        tasks_to_gold(tasks, "ls.json")
