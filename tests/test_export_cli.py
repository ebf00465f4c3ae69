"""The export, import and push commands through typer's CliRunner."""

from __future__ import annotations

import json

import pytest
from test_export_fixture import gold_for, make_corpus
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.export.docbin import doc_to_gold, read_docbin

runner = CliRunner()


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("corpus"))


def test_export_conll_prints_the_boundary_warnings(root, tmp_path):
    res = runner.invoke(app, ["export", "conll", str(tmp_path / "out.conll"), "--corpus", str(root)])
    assert res.exit_code == 0, res.output
    assert "a01_talks: mention m11 '2025' [205:209]" in res.output
    assert (tmp_path / "out.conll").read_text(encoding="utf-8").startswith("-DOCSTART- -X- -X- O\n")


def test_export_spacy_writes_a_docbin(root, tmp_path):
    res = runner.invoke(app, ["export", "spacy", str(tmp_path / "gold.spacy"), "--corpus", str(root)])
    assert res.exit_code == 0, res.output
    docs = read_docbin((tmp_path / "gold.spacy").read_bytes())
    assert doc_to_gold(docs[1]).model_dump(by_alias=True) == gold_for("b02_troops")


def test_export_then_import_label_studio(root, tmp_path):
    tasks = tmp_path / "tasks.json"
    res = runner.invoke(app, ["export", "label-studio", str(tasks), "--corpus", str(root)])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "tasks.xml").read_text().startswith("<View>")
    res = runner.invoke(app, ["import", "label-studio", str(tasks), "--out", str(tmp_path / "imp")])
    assert res.exit_code == 0, res.output
    for doc_id in ("a01_talks", "b02_troops"):
        written = json.loads((tmp_path / "imp/annotations/gold" / f"{doc_id}.json").read_text(encoding="utf-8"))
        assert written == gold_for(doc_id)
        assert (tmp_path / "imp/seeds" / f"{doc_id}.txt").read_bytes() == (root / "seeds" / f"{doc_id}.txt").read_bytes()


def test_export_spacy_refuses_a_name_spacy_would_not_read(root, tmp_path):
    """`spacy evaluate MODEL OUT` finds nothing in a file without the .spacy suffix (W090)."""
    res = runner.invoke(app, ["export", "spacy", str(tmp_path / "gold"), "--corpus", str(root)])
    assert res.exit_code == 1 and not (tmp_path / "gold").exists()
    assert "found no suffix, expected a name ending in .spacy" in res.output
    assert str(tmp_path / "gold.spacy") in res.output


def test_export_then_import_doccano_round_trips_the_mentions(root, tmp_path):
    out = tmp_path / "doccano.jsonl"
    res = runner.invoke(app, ["export", "doccano", str(out), "--corpus", str(root)])
    assert res.exit_code == 0, res.output
    assert "warning: Doccano has no claims" in res.output  # what the format cannot hold is said
    res = runner.invoke(app, ["import", "doccano", str(out), "--out", str(tmp_path / "imp")])
    assert res.exit_code == 0, res.output
    for doc_id in ("a01_talks", "b02_troops"):  # the record's doc_id names the document
        written = json.loads((tmp_path / "imp/annotations/gold" / f"{doc_id}.json").read_text(encoding="utf-8"))
        gold = gold_for(doc_id)
        assert [(m["start"], m["end"], m["label"], m["text"]) for m in written["mentions"]] == \
            sorted((m["start"], m["end"], m["label"], m["text"]) for m in gold["mentions"])
        assert (tmp_path / "imp/seeds" / f"{doc_id}.txt").read_bytes() == (root / "seeds" / f"{doc_id}.txt").read_bytes()


def test_import_help_says_how_doccano_documents_are_named():
    res = runner.invoke(app, ["import", "--help"])
    assert ("doc_id field, else doccano_<id> from its id, else doccano_<line number>"
            in " ".join(res.output.split()))


def test_import_errors_are_one_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "Kim", "label": [[0, 3, "PER"]]}\n', encoding="utf-8")
    res = runner.invoke(app, ["import", "doccano", str(bad), "--out", str(tmp_path / "o")])
    assert res.exit_code == 1
    assert "error:" in res.output and "bad.jsonl:1: label 1: found label 'PER'" in res.output
    assert "Traceback" not in res.output and not (tmp_path / "o").exists()
    res = runner.invoke(app, ["import", "label-studio", str(tmp_path / "nope.json")])
    assert res.exit_code == 1 and "nope.json: no such file" in res.output


def test_export_hf_checks_and_push_refuses_without_token(root, tmp_path, monkeypatch):
    out = tmp_path / "hf"
    res = runner.invoke(app, ["export", "hf", str(out), "--corpus", str(root)])
    assert res.exit_code == 0, res.output
    assert "checked: every config loads" in res.output and (out / "README.md").is_file()
    monkeypatch.setattr("huggingface_hub.get_token", lambda: None)
    res = runner.invoke(app, ["push", str(out), "--repo-id", "org/ecbench", "--private"])
    assert res.exit_code == 1 and "no Hugging Face token" in res.output
    assert len(res.output.strip().splitlines()) == 1


def test_export_refuses_a_document_without_gold(root, tmp_path):
    import shutil

    copy = tmp_path / "corpus"
    shutil.copytree(root, copy)
    (copy / "annotations/gold/b02_troops.json").unlink()
    res = runner.invoke(app, ["export", "conll", str(tmp_path / "x.conll"), "--corpus", str(copy)])
    assert res.exit_code == 1 and "error:" in res.output and "Traceback" not in res.output
    assert not (tmp_path / "x.conll").exists()
