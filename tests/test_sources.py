"""Reading annotations from a corpus folder, gold files or a predictions file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from toolkit.io.annotations import load_annotations
from toolkit.io.predictions import write_predictions
from toolkit.problems import CorpusError, InputError

CORPUS = Path(__file__).parent / "data" / "valid_corpus"


def test_every_kind_of_source_gives_the_same_documents(tmp_path):
    from_corpus = load_annotations(CORPUS)
    gold_files = sorted((CORPUS / "annotations" / "gold").glob("*.json"))
    from_file = load_annotations(gold_files[0])
    from_folder = load_annotations(CORPUS / "annotations" / "gold")
    write_predictions(tmp_path / "p.jsonl", from_corpus.predictions)
    from_jsonl = load_annotations(tmp_path / "p.jsonl")
    for source in (from_file, from_folder, from_jsonl):
        assert source.predictions[:1] == from_corpus.predictions[:1]
    assert from_corpus.texts and set(from_corpus.source["sha256"]) == {
        p.doc_id for p in from_corpus.predictions}


def test_missing_path_and_empty_folder_are_named(tmp_path):
    with pytest.raises(InputError, match="no such file or folder"):
        load_annotations(tmp_path / "nope.jsonl")
    with pytest.raises(InputError, match="expected a corpus folder or a folder of gold files"):
        load_annotations(tmp_path)


def test_invalid_gold_file_reports_its_problems(tmp_path):
    bad = tmp_path / "bad.json"
    shutil.copy(sorted((CORPUS / "annotations" / "gold").glob("*.json"))[0], bad)
    bad.write_text(bad.read_text(encoding="utf-8").replace('"label": "PERSON"', '"label": "PER"', 1),
                   encoding="utf-8")
    with pytest.raises(CorpusError) as raised:
        load_annotations(bad)
    assert any("label" in str(p) for p in raised.value.problems)
