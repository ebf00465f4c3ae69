"""The JSONL-with-text reader (io.formats.jsonl_text), mentions placed from their text alone,
and the Label Studio and Doccano readers (io.formats.labelstudio, io.formats.doccano) as
format readers: detection, notes, the same gold as ``ecbench import``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.export.doccano import read_doccano
from toolkit.export.labelstudio import tasks_to_gold
from toolkit.io.align import HALLUCINATION, REPEAT, place_mentions
from toolkit.io.annotations import load_annotations
from toolkit.io.formats import FormatOptions, doccano, jsonl_text, labelstudio
from toolkit.problems import InputError
from toolkit.schema import Prediction, PredMention


def _jsonl(path: Path, *records) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


TEXT = "Kim Jong Un met Lavrov in Wōnsan. Kim and Kimberly left; Lavrov stayed."


def test_offsets_lists_and_text_only_mentions(tmp_path):
    path = _jsonl(tmp_path / "llm.jsonl",
                  {"id": "d1", "text": TEXT, "mentions": [
                      {"start": 0, "end": 11, "label": "PER", "text": "Kim Jong Un",
                       "entity": "kim"},
                      [16, 22, "PER"],
                      {"text": "Kim", "label": "PER"},  # not in "Kim Jong Un"? it is: first
                      {"text": "Lavrov", "label": "PER"},
                      {"text": "Lavrov", "label": "PER"},
                      {"text": "Lavrov", "label": "PER"},  # the text holds two
                      {"text": " Wōnsan ", "label": "GPE"},
                      {"text": "Pyongyang", "label": "GPE"}]},
                  {"text": "Seoul said.", "spans": [{"start": 0, "end": 5, "label": "GPE",
                                                     "token_start": 0}]})
    assert jsonl_text.detect(path) and not doccano.detect(path)
    read = jsonl_text.read(path)
    d1, second = read.documents
    assert [(TEXT[m.start:m.end], m.start, m.label, m.entity) for m in d1.mentions] == [
        ("Kim Jong Un", 0, "PER", "kim"), ("Lavrov", 16, "PER", None),
        ("Kim", TEXT.index("Kim and"), "PER", None),  # the "Kim" at 0 is held; never "Kimberly"
        ("Lavrov", TEXT.rindex("Lavrov"), "PER", None), ("Wōnsan", 26, "GPE", None)]
    # placed by io.align's rule, the one for every mention given by text (docs/scoring.md):
    # longest first, the leftmost occurrence no other mention holds; "Lavrov" stands twice and
    # one is held by the mention with offsets, so two of the three quotes have no place
    placement = read.placement
    assert (placement.exact, placement.normalized) == (3, 0)
    assert [(u.doc_id, u.index, u.text, u.reason) for u in placement.unplaced] == [
        ("d1", 4, "Lavrov", REPEAT), ("d1", 5, "Lavrov", REPEAT),
        ("d1", 7, "Pyongyang", HALLUCINATION)]
    assert second.id == "llm-0002" and read.positional  # no id: its position
    assert [(m.start, m.end) for m in second.mentions] == [(0, 5)]


def test_the_reader_places_as_predictions_files_are_placed(tmp_path):
    """One placing rule: the reader's places equal io.align.place_mentions' on the same
    mentions given in the predictions shape."""
    text = "Kim met Kim Jong\nUn. KIM and Kimberly: kim. a.b a.b"
    quoted = ["Kim", "Kim Jong Un", "Kim", "Kim", "kim", "KIM", "Kim  Jong Un", "a.b", "a.b",
              ".", "Lee"]
    path = _jsonl(tmp_path / "q.jsonl", {"id": "d", "text": text, "mentions": [
        {"text": q, "label": "PER"} for q in quoted]})
    read = jsonl_text.read(path)
    placed, placement = place_mentions(
        [Prediction(doc_id="d", mentions=[PredMention(text=q, label="PER") for q in quoted])],
        {"d": text}, "q.jsonl")
    assert [(m.start, m.end) for m in read.documents[0].mentions] == [
        (m.start, m.end) for m in placed[0].mentions]
    assert read.placement == placement


def test_an_unplaced_mention_is_scored_spurious(tmp_path):
    """Through ``ecbench score``: a hallucinated mention is a spurious prediction, listed in
    the report's alignment section."""
    gold = _jsonl(tmp_path / "gold.jsonl", {"id": "d", "text": TEXT, "mentions": [
        {"start": 0, "end": 11, "label": "PERSON"}]})
    pred = _jsonl(tmp_path / "p.jsonl", {"id": "d", "text": TEXT, "mentions": [
        {"text": "Kim Jong Un", "label": "PERSON"}, {"text": "Pyongyang", "label": "GPE"}]})
    result = CliRunner().invoke(app, ["score", "--pred", str(pred), "--gold", str(gold),
                                      "--format", "json", "--resamples", "0"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    micro = data["mentions"]["micro"]["strict"]
    assert (micro["correct"], micro["spurious"], micro["precision"]) == (1, 1, 0.5)
    assert data["alignment"]["hallucinations"]["count"] == 1


def test_a_gold_mention_with_no_place_is_refused(tmp_path):
    gold = _jsonl(tmp_path / "gold.jsonl", {"id": "d", "text": TEXT, "mentions": [
        {"text": "Pyongyang", "label": "GPE"}]})
    with pytest.raises(InputError, match="no place in the text"):
        load_annotations(gold)


def test_claims_answers_headers_and_ids(tmp_path):
    path = _jsonl(tmp_path / "x.jsonl",
                  {"header": {"produces": ["mentions"]}},
                  {"doc_id": 7, "text": "Kim said it.", "mentions": [],
                   "claims": [{"statement": "Kim said it.", "span": {"start": 0, "end": 11,
                                                                      "text": "Kim said it"}}]},
                  {"id": "r", "text": "No.", "answer": "reject"},
                  {"id": "i", "text": "Maybe.", "answer": "ignore"},
                  {"id": "a", "text": "Yes.", "answer": "accept", "mentions": [],
                   "entities": [{"id": "e1", "name": "x", "type": "ORG"}]})
    read = jsonl_text.read(path)
    assert [d.id for d in read.documents] == ["7", "a"] and not read.positional
    assert read.produces == ("mentions", "claims")
    assert read.documents[0].claims[0].span.text == "Kim said it"
    notes = "\n".join(read.notes)
    assert "the header line was skipped" in notes
    assert "records not accepted left out: 1 with answer ignore, 1 with answer reject" in notes
    assert "1 records have entities beside mentions: only mentions read" in notes


def _error(tmp_path: Path, *records) -> str:
    path = _jsonl(tmp_path / "e.jsonl", *records)
    with pytest.raises(InputError) as caught:
        jsonl_text.read(path)
    return str(caught.value)


def test_bad_input_is_one_located_error(tmp_path):
    path = tmp_path / "e.jsonl"
    assert _error(tmp_path, {"text": "Kim met Lavrov.", "mentions": [
        {"start": 0, "end": 3, "label": "PER", "text": "Kim"},
        {"start": 8, "end": 14, "label": "PER", "text": "Lavrow"}]}) == (
        f"{path}:1: mentions[1].text: found 'Lavrow', expected 'Lavrov' (the text at 8:14)")
    assert _error(tmp_path, {"text": "Kim", "mentions": [{"start": 0, "end": 9,
                                                          "label": "PER"}]}) == (
        f"{path}:1: mentions[0].end: found 9, expected an offset at most 3 (the text length)")
    assert _error(tmp_path, {"text": "Kim ", "mentions": [[0, 4, "PER"]]}).startswith(
        f"{path}:1: mentions[0].start/end: found 0:4 'Kim ' with leading or trailing whitespace")
    assert _error(tmp_path, {"text": "Kim", "mentions": [{"start": "0", "end": 3,
                                                          "label": "PER"}]}) == (
        f"{path}:1: mentions[0].start: found '0', expected an offset (an integer)")
    assert "mentions[0].label: found null, expected a label" in _error(
        tmp_path, {"text": "Kim", "mentions": [{"text": "Kim"}]})
    assert _error(tmp_path, {"id": "a", "text": "x"}, {"id": "a", "text": "y"}) == (
        f"{path}:2: id: found 'a' again (line 1), expected one record per document")
    assert "claims[0]: found neither a span nor a statement" in _error(
        tmp_path, {"text": "x", "claims": [{"type": "event"}]})
    assert f"{path}:1: text: found null" in _error(tmp_path, {"id": "a"})


# --- Label Studio and Doccano as readers ------------------------------------------------------


def test_label_studio_reader_gives_the_import_gold(tmp_path):
    record = {"id": 4, "text": "Kim met Lavrov. ", "annotator": 1,
              "label": [{"start": 0, "end": 4, "text": "Kim ", "labels": ["PER"]},
                        {"start": 8, "end": 14, "text": "Lavrov", "labels": ["PERSON"]}]}
    path = tmp_path / "min.json"
    path.write_text(json.dumps([record]), encoding="utf-8")
    assert labelstudio.detect(path) and not doccano.detect(path)
    read = labelstudio.read(path, FormatOptions(label_map={"PER": "PERSON"}))
    with pytest.warns(Warning):  # the import's own function warns the trim
        [(text, gold)] = tasks_to_gold([record], path, {"PER": "PERSON"})
    [document] = read.documents
    assert (document.text, document.gold) == (text, gold)
    assert [(m.start, m.end, m.label) for m in document.mentions] == [(0, 3, "PERSON"),
                                                                       (8, 14, "PERSON")]
    # the trim the import prints as a warning is a note of the read
    assert read.notes == [(f"{path}: task 4 (labelstudio_4): result 0: [0:4] 'Kim ' trimmed "
                           "to [0:3] 'Kim' (no leading or trailing whitespace in gold spans)")]
    with pytest.raises(InputError, match="mentions.0.label: found 'PER'"):
        labelstudio.read(path)  # no map: refused, as the import refuses it


def test_doccano_reader_gives_the_import_gold(tmp_path):
    text = "Talks 🙂 in Moscow ended."
    start = text.index("Moscow") + 1  # UTF-16 units after the emoji
    path = _jsonl(tmp_path / "d.jsonl", {"id": 3, "text": text, "label": [[start, start + 6,
                                                                           "LOC"]]})
    assert doccano.detect(path) and not jsonl_text.detect(path) and not labelstudio.detect(path)
    read = doccano.read(path, FormatOptions(label_map={"LOC": "GPE"}))
    with pytest.warns(Warning):
        expected = read_doccano(path, "auto", {"LOC": "GPE"})
    assert [(d.text, d.gold) for d in read.documents] == expected
    assert [text[m.start:m.end] for m in read.documents[0].mentions] == ["Moscow"]
    assert len(read.notes) == 1 and "offsets read as UTF-16 code units" in read.notes[0]
    read = doccano.read(path, FormatOptions(offsets="codepoints", label_map={"LOC": "GPE"}))
    assert [text[m.start:m.end] for m in read.documents[0].mentions] == ["oscow"]


def test_detection_tells_the_json_formats_apart(tmp_path):
    doccano_array = tmp_path / "doccano.json"
    doccano_array.write_text(json.dumps([{"text": "Kim", "label": []}]), encoding="utf-8")
    assert doccano.detect(doccano_array) and not labelstudio.detect(doccano_array)
    tasks = tmp_path / "tasks.json"
    tasks.write_text(json.dumps([{"data": {"text": "Kim"}, "annotations": []}]),
                     encoding="utf-8")
    assert labelstudio.detect(tasks) and not doccano.detect(tasks)
    for name, content in (("empty.json", "[]"), ("gold.json", '{"doc_id": "x"}'),
                          ("preds.jsonl", '{"doc_id": "x", "mentions": []}\n'),
                          ("broken.jsonl", '{"text": \n')):
        (tmp_path / name).write_text(content, encoding="utf-8")
        assert not any(r.detect(tmp_path / name) for r in (labelstudio, doccano, jsonl_text))
