"""Imports and exports that used to crash or lose data silently: whitespace-padded spans,
UTF-16 offsets from Doccano, imports over existing gold, exports over foreign folders."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.export.doccano import read_doccano, record_to_gold
from toolkit.export.labelstudio import tasks_to_gold
from toolkit.export.tokens import gold_doc
from toolkit.io.corpus import validate_corpus
from toolkit.problems import ImportChangeWarning, InputError
from toolkit.schema import DocumentGold

VALID = Path(__file__).parent / "data" / "valid_corpus"
runner = CliRunner()


def _padded_corpus(tmp_path: Path) -> Path:
    """The valid fixture with mention m2 ("Kim Jong Un") saved as "Kim Jong Un " (as tools do)."""
    root = tmp_path / "corpus"
    shutil.copytree(VALID, root)
    path = root / "annotations/gold/doc1.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    m2 = next(m for m in data["mentions"] if m["id"] == "m2")
    m2["end"] += 1
    m2["text"] += " "
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return root


def test_validate_reports_a_whitespace_padded_mention_with_the_trimmed_span(tmp_path):
    root = _padded_corpus(tmp_path)
    problems = validate_corpus(root)
    assert len(problems) == 1
    text = str(problems[0])
    assert "mentions[1] (id m2)" in text and "start/end" in text
    assert "[14:25] 'Kim Jong Un'" in text  # the suggested fix
    res = runner.invoke(app, ["validate", str(root)])
    assert res.exit_code == 1 and "[14:25] 'Kim Jong Un'" in res.output


def test_no_export_asserts_on_a_padded_span(tmp_path):
    text = (VALID / "seeds/doc1.txt").read_text(encoding="utf-8")
    gold = DocumentGold.model_validate(json.loads(
        (_padded_corpus(tmp_path) / "annotations/gold/doc1.json").read_text(encoding="utf-8")))
    with pytest.raises(ValueError, match=r"doc1: span \[14:26\] 'Kim Jong Un ' .*\[14:25\]"):
        gold_doc(text, gold)
    for fmt, out in (("conll", "x.conll"), ("spacy", "x.spacy"), ("hf", "hf")):
        res = runner.invoke(app, ["export", fmt, str(tmp_path / out), "--corpus",
                                  str(tmp_path / "corpus")])
        assert res.exit_code == 1, (fmt, res.output)
        assert res.exception is None or isinstance(res.exception, SystemExit)
        assert "error:" in res.output and "Traceback" not in res.output


def test_doccano_import_trims_a_padded_span_with_a_warning():
    text = "Kim met Lavrov."
    with pytest.warns(ImportChangeWarning, match=r"\[0:4\] 'Kim ' trimmed to \[0:3\] 'Kim'"):
        _, gold = record_to_gold({"text": text, "label": [[0, 4, "PERSON"]]}, 1, "d.jsonl")
    assert [(m.start, m.end, m.text) for m in gold.mentions] == [(0, 3, "Kim")]
    with pytest.raises(InputError, match="not only whitespace"):
        record_to_gold({"text": text, "label": [[3, 4, "PERSON"]]}, 1, "d.jsonl")


def test_label_studio_import_trims_a_padded_region_with_a_warning():
    task = {"data": {"text": "Kim met Lavrov."}, "annotations": [{"result": [
        {"id": "r1", "from_name": "label", "type": "labels",
         "value": {"start": 7, "end": 14, "text": " Lavrov", "labels": ["PERSON"]}}]}]}
    with pytest.warns(ImportChangeWarning, match=r"trimmed to \[8:14\] 'Lavrov'"):
        [(_, gold)] = tasks_to_gold([task])
    assert [(m.start, m.end, m.text) for m in gold.mentions] == [(8, 14, "Lavrov")]


def test_doccano_utf16_offsets_after_an_emoji_are_converted():
    text = "Talks 🙂 in Moscow ended."
    start = text.index("Moscow")  # code points; Doccano's browser counts the emoji as 2 units
    record = {"text": text, "label": [[start + 1, start + 7, "GPE"]]}
    with pytest.warns(ImportChangeWarning, match="UTF-16 code units"):
        _, gold = record_to_gold(record, 1, "d.jsonl")
    assert [m.text for m in gold.mentions] == ["Moscow"]
    # the same offsets read as code points on request: the shifted span, trimmed
    with pytest.warns(ImportChangeWarning):
        _, gold = record_to_gold(record, 1, "d.jsonl", offsets="codepoints")
    assert [m.text for m in gold.mentions] == ["oscow"]
    # code point offsets stay as they are (no warning)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _, gold = record_to_gold({"text": text, "label": [[start, start + 6, "GPE"]]}, 1, "d")
    assert [m.text for m in gold.mentions] == ["Moscow"]


def test_doccano_utf16_offsets_with_a_sloppy_selection_are_converted_then_trimmed():
    text = "Talks 🙂 in Moscow ended. Kim left."
    units = [[text.index("Moscow") + 1, text.index("Moscow") + 7, "GPE"],
             [text.index("Kim") + 1, text.index("Kim") + 5, "PERSON"]]  # "Kim " in UTF-16 units
    with pytest.warns(ImportChangeWarning) as caught:
        _, gold = record_to_gold({"text": text, "label": units}, 1, "d.jsonl")
    assert [m.text for m in gold.mentions] == ["Moscow", "Kim"]
    assert any("UTF-16" in str(w.message) for w in caught)
    assert any("d.jsonl:1: label 2: " in str(w.message) and "trimmed" in str(w.message) for w in caught)


def test_doccano_offsets_neither_reading_explains_are_refused():
    text = "Talks 🙂 in Moscow ended."
    with pytest.raises(InputError, match=r"d.jsonl:1: label: .*neither reading"):
        record_to_gold({"text": text, "label": [[text.index("Moscow") + 2, text.index("Moscow") + 5,
                                                  "GPE"]]}, 1, "d.jsonl")


def test_doccano_ambiguous_offsets_are_refused():
    text = "🙂 x,y"  # [3:5] is ",y" as code points and "x," as UTF-16 units: both whole words
    with pytest.raises(InputError, match=r"d.jsonl:3: label: .*both reading.*--offsets"):
        record_to_gold({"text": text, "label": [[3, 5, "ORG"]]}, 3, "d.jsonl")


def test_doccano_legacy_labels_key_json_array_and_label_map(tmp_path):
    path = tmp_path / "doccano.json"
    path.write_text(json.dumps([{"id": 1, "text": "Kim met Lavrov.",
                                 "labels": [[0, 3, "PER"], [8, 14, "PER"], [4, 7, "VERB"]]}]),
                    encoding="utf-8")
    [(_, gold)] = read_doccano(path, label_map={"PER": "PERSON", "VERB": None})
    assert [(m.text, m.label) for m in gold.mentions] == [("Kim", "PERSON"), ("Lavrov", "PERSON")]
    res = runner.invoke(app, ["import", "doccano", str(path), "--out", str(tmp_path / "o"),
                              "--label-map", "PER=PERSON,VERB="])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "o/annotations/gold/doccano_1.json").is_file()
    res = runner.invoke(app, ["import", "doccano", str(path), "--out", str(tmp_path / "o2")])
    assert res.exit_code == 1 and "found label 'PER'" in res.output and "--label-map" in res.output


def test_label_studio_json_min_import():
    record = {"id": 4, "text": "Kim met Lavrov.", "annotator": 1,
              "label": [{"start": 0, "end": 3, "text": "Kim", "labels": ["PER"]},
                        {"start": 8, "end": 14, "text": "Lavrov", "labels": ["PERSON"]}]}
    [(text, gold)] = tasks_to_gold([record], label_map={"PER": "PERSON"})
    assert text == "Kim met Lavrov." and gold.doc_id == "labelstudio_4"
    assert [(m.text, m.label) for m in gold.mentions] == [("Kim", "PERSON"), ("Lavrov", "PERSON")]
    with pytest.raises(InputError, match="JSON_MIN"):
        tasks_to_gold([{**record, "claim": [{"start": 0, "end": 14, "labels": ["event"]}]}])


def test_import_never_overwrites_existing_gold_without_force(tmp_path):
    root = tmp_path / "corpus"
    shutil.copytree(VALID, root)
    gold_path = root / "annotations/gold/doc1.json"
    before = gold_path.read_bytes()
    text = (root / "seeds/doc1.txt").read_text(encoding="utf-8")
    dump = tmp_path / "d.jsonl"
    dump.write_text(json.dumps({"doc_id": "doc1", "text": text, "label": [[0, 11, "GPE"]]},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    res = runner.invoke(app, ["import", "doccano", str(dump), "--out", str(root)])
    assert res.exit_code == 1
    assert "would replace 1 existing file(s)" in res.output and "doc1.json" in res.output
    assert "--force" in res.output and gold_path.read_bytes() == before
    res = runner.invoke(app, ["import", "doccano", str(dump), "--out", str(root), "--force"])
    assert res.exit_code == 0, res.output
    assert "replaced 1" in res.output
    assert [m["text"] for m in json.loads(gold_path.read_text(encoding="utf-8"))["mentions"]] == ["North Korea"]


def test_export_hf_refuses_a_foreign_folder_and_keeps_others_files(tmp_path):
    out = tmp_path / "hf"
    (out / "mine").mkdir(parents=True)
    (out / "mine/keep.parquet").write_bytes(b"not ecbench's")
    (out / "README.md").write_text("my own card\n", encoding="utf-8")
    res = runner.invoke(app, ["export", "hf", str(out), "--corpus", str(VALID), "--no-check"])
    assert res.exit_code == 1 and "not written by `ecbench export hf`" in res.output
    assert "--force" in res.output
    assert (out / "README.md").read_text(encoding="utf-8") == "my own card\n"
    res = runner.invoke(app, ["export", "hf", str(out), "--corpus", str(VALID), "--no-check",
                              "--force"])
    assert res.exit_code == 0, res.output
    assert (out / "mine/keep.parquet").read_bytes() == b"not ecbench's"
    assert (out / "README.md").read_text(encoding="utf-8") != "my own card\n"
    # an ecbench-made folder is exported into again without --force; a file the user added stays
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    stale = out / "ner/validation-00000-of-00001.parquet"
    marker = json.loads((out / ".ecbench-export.json").read_text(encoding="utf-8"))
    stale.write_bytes(b"old")
    (out / ".ecbench-export.json").write_text(json.dumps(
        {**marker, "files": marker["files"] + [stale.relative_to(out).as_posix()]}), encoding="utf-8")
    res = runner.invoke(app, ["export", "hf", str(out), "--corpus", str(VALID)])
    assert res.exit_code == 0, res.output
    assert not stale.exists() and (out / "notes.txt").read_text() == "mine"
    assert (out / "mine/keep.parquet").exists()


def test_a_hand_edited_marker_cannot_delete_files_outside_the_folder(tmp_path):
    out = tmp_path / "hf"
    assert runner.invoke(app, ["export", "hf", str(out), "--corpus", str(VALID), "--no-check"]).exit_code == 0
    victim = tmp_path / "victim.txt"
    victim.write_text("keep", encoding="utf-8")
    marker = out / ".ecbench-export.json"
    data = json.loads(marker.read_text(encoding="utf-8"))
    marker.write_text(json.dumps({**data, "files": data["files"] + [str(victim), "../victim.txt"]}),
                      encoding="utf-8")
    res = runner.invoke(app, ["export", "hf", str(out), "--corpus", str(VALID), "--no-check"])
    assert res.exit_code == 0, res.output
    assert victim.read_text(encoding="utf-8") == "keep"


def test_an_imported_doc_id_cannot_write_outside_the_out_folder(tmp_path):
    with pytest.raises(InputError, match=r"d.jsonl:2: record: doc_id: found '../../x'"):
        record_to_gold({"doc_id": "../../x", "text": "Kim", "label": []}, 2, "d.jsonl")
    with pytest.raises(InputError, match=r"task \[0\]: doc_id: found 'a/b'"):
        tasks_to_gold([{"data": {"text": "Kim", "doc_id": "a/b"}, "predictions": [{"result": []}]}])
