"""The readers as one package: every format registered in detection order, each reader the
interface the framework defines, and ``ecbench import FORMAT`` giving back a corpus's gold and
manifest from each of ecbench's own exports."""

from __future__ import annotations

import json

import pytest
from test_export_fixture import make_corpus
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.io.formats import FORMATS, detect_format, reader

runner = CliRunner()


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("corpus"))


def test_every_reader_is_registered_in_detection_order():
    assert list(FORMATS) == ["hf-export", "hf", "spacy", "brat", "label-studio", "doccano",
                             "jsonl", "conll"]
    for name in FORMATS:
        module = reader(name)
        assert module.NAME == name and callable(module.detect) and callable(module.read)


def _gold_files(folder):
    return {p.name: json.loads(p.read_text(encoding="utf-8"))
            for p in sorted((folder / "annotations" / "gold").glob("*.json"))}


@pytest.mark.parametrize(("export", "out", "format"), [
    ("hf", "hub", "hf-export"), ("spacy", "gold.spacy", "spacy"),
    ("label-studio", "tasks.json", "label-studio")])
def test_an_export_imports_back_as_the_same_corpus(root, tmp_path, export, out, format):
    target = tmp_path / out
    res = runner.invoke(app, ["export", export, str(target), "--corpus", str(root)])
    assert res.exit_code == 0, res.output
    assert detect_format(target) == format
    res = runner.invoke(app, ["import", format, str(target), "--out", str(tmp_path / "back")])
    assert res.exit_code == 0, res.output
    assert _gold_files(tmp_path / "back") == _gold_files(root)  # ids, entities, claims
    if format == "hf-export":  # the export records the manifest's fields: no flag needed
        original = json.loads((root / "annotations/manifest.json").read_text(encoding="utf-8"))
        back = json.loads((tmp_path / "back/annotations/manifest.json").read_text(
            encoding="utf-8"))
        keep = ("id", "sha256", "language", "split", "source", "licence")
        assert [{k: e[k] for k in keep} for e in back["documents"]] == [
            {k: e[k] for k in keep} for e in original["documents"]]
        assert "--source not given" not in res.output


def test_gold_and_pred_format_flags_take_every_reader(root, tmp_path):
    res = runner.invoke(app, ["export", "spacy", str(tmp_path / "g.spacy"), "--corpus", str(root)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["score", "--gold", str(tmp_path / "g.spacy"), "--gold-format",
                              "spacy", "--pred", str(root), "--format", "json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.output[res.output.index("{"):])
    assert report["mentions"]["micro"]["strict"]["f1"] == 1.0
    res = runner.invoke(app, ["score", "--gold", str(root), "--pred", str(root),
                              "--pred-format", "brut"])
    assert res.exit_code == 1 and "hf-export" in res.output and "jsonl" in res.output
