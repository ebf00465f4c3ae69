"""`ecbench import FORMAT SRC --out DIR` writes a complete corpus, all or nothing, on which the
other commands work; `ecbench add` adds real articles, to be annotated and imported back."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.io.corpus import load, validate_corpus

runner = CliRunner()

CONLL = """-DOCSTART- -X- -X- O

EU NNP B-NP B-ORG
rejects VBZ B-VP O
German JJ B-NP B-MISC
call NN I-NP O
. . O O

Peter NNP B-NP B-PER
Blackburn NNP I-NP I-PER
met VBD B-VP O
peter NNP B-NP B-PER
blackburn NNP I-NP I-PER

-DOCSTART- -X- -X- O

BRUSSELS NNP B-NP B-LOC
1996-08-22 CD I-NP O
"""
MAP = "PER=PERSON,MISC=NORP,LOC=GPE"


@pytest.fixture
def conll(tmp_path) -> Path:
    path = tmp_path / "news.conll"
    path.write_text(CONLL, encoding="utf-8")
    return path


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_import_conll_writes_a_corpus_that_the_other_commands_take(conll, tmp_path, hf_offline):
    out = tmp_path / "corpus"
    res = invoke("import", "conll", conll, "--out", out, "--label-map", MAP, "--source",
                 "CoNLL-2003 sample", "--licence", "research only", "--language", "en",
                 "--split", "validation")
    assert res.exit_code == 0, res.output
    assert "imported 2 document(s)" in res.output and f"OK: {out} validates" in res.output
    assert "warning" not in res.output
    assert validate_corpus(out) == []
    corpus = load(out)
    assert [d.id for d in corpus] == ["news-0001", "news-0002"]
    first = corpus["news-0001"]
    assert first.text == "EU rejects German call .\nPeter Blackburn met peter blackburn"
    assert (out / "seeds/news-0001.txt").read_bytes() == first.text.encode("utf-8")
    assert first.meta.sha256 == hashlib.sha256(first.text.encode("utf-8")).hexdigest()
    assert (first.meta.split, first.meta.language, first.meta.source, first.meta.licence) == (
        "validation", "en", "CoNLL-2003 sample", "research only")
    # one entity per label and normalised text: the two Peter Blackburns are one
    assert [(m.text, m.label, m.entity) for m in first.gold.mentions] == [
        ("EU", "ORG", "e_eu"), ("German", "NORP", "e_german"),
        ("Peter Blackburn", "PERSON", "e_peter_blackburn"),
        ("peter blackburn", "PERSON", "e_peter_blackburn")]
    assert [(e.id, e.name, e.type) for e in first.gold.entities] == [
        ("e_eu", "EU", "ORG"), ("e_german", "German", "NORP"),
        ("e_peter_blackburn", "Peter Blackburn", "PERSON")]
    res = invoke("stats", "--corpus", out, "--format", "json")
    assert res.exit_code == 0 and '"documents"' in res.output
    res = invoke("score", "--gold", out, "--pred", conll, "--label-map", MAP, "--format", "json",
                 "--resamples", "0")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["mentions"]["micro"]["strict"]["f1"] == 1.0
    res = invoke("report", "--gold", out, "--pred", conll, "--label-map", MAP, "--out",
                 tmp_path / "report.html", "--resamples", "0")
    assert res.exit_code == 0 and (tmp_path / "report.html").stat().st_size > 0
    res = invoke("export", "hf", tmp_path / "hf", "--corpus", out)
    assert res.exit_code == 0, res.output
    assert "checked: every config loads" in res.output


def test_what_the_flags_leave_unknown_is_recorded_as_such_with_a_warning(conll, tmp_path):
    out = tmp_path / "corpus"
    res = invoke("import", "conll", conll, "--out", out, "--label-map", MAP)
    assert res.exit_code == 0, res.output
    for flag in ("--source", "--licence", "--language", "--split"):
        assert f"warning: {flag} not given" in res.output
    meta = load(out)["news-0002"].meta
    assert (meta.language, meta.split, meta.licence) == ("und", "test", "unknown")
    assert meta.source == "unknown: imported from news.conll by `ecbench import conll`"


def test_labels_outside_ontonotes_need_a_label_map(conll, tmp_path):
    res = invoke("import", "conll", conll, "--out", tmp_path / "corpus")
    assert res.exit_code == 1 and res.output.count("error:") == 1
    assert "news.conll: line 5: label: found 'MISC' (1 mention(s)), expected one of PERSON" in \
        res.output and "--label-map MISC=OntoNotes_LABEL" in res.output
    assert not (tmp_path / "corpus").exists()


def test_import_adds_to_a_corpus_and_replaces_differing_files_only_with_force(conll, tmp_path):
    out = tmp_path / "corpus"
    assert invoke("import", "conll", conll, "--out", out, "--label-map", MAP).exit_code == 0
    manifest = (out / "annotations/manifest.json").read_bytes()
    res = invoke("import", "conll", conll, "--out", out, "--label-map", MAP)
    assert res.exit_code == 0 and "2 already identical" in res.output
    assert (out / "annotations/manifest.json").read_bytes() == manifest
    other = tmp_path / "news2.conll"
    other.write_text(CONLL.replace("B-MISC", "O"), encoding="utf-8")
    (tmp_path / "news.conll").write_text(CONLL.replace("B-MISC", "O"), encoding="utf-8")
    before = (out / "annotations/gold/news-0001.json").read_bytes()
    res = invoke("import", "conll", conll, "--out", out, "--label-map", MAP)
    assert res.exit_code == 1 and "would replace 1 existing file(s) that differ" in res.output
    assert "news-0001.json" in res.output and "--force" in res.output
    assert (out / "annotations/gold/news-0001.json").read_bytes() == before
    res = invoke("import", "conll", conll, "--out", out, "--label-map", MAP, "--force")
    assert res.exit_code == 0 and "replaced 1" in res.output
    res = invoke("import", "conll", other, "--out", out, "--label-map", MAP)
    assert res.exit_code == 0 and "2 new" in res.output
    assert [d.id for d in load(out)] == ["news-0001", "news-0002", "news2-0001", "news2-0002"]


def test_an_interrupted_import_leaves_nothing_half_written(conll, tmp_path, monkeypatch):
    import toolkit.io.corpus_writer as writer

    out = tmp_path / "corpus"
    real = os.replace

    def interrupted(src, dst):
        if Path(dst).name == "manifest.json" or Path(dst) == out:
            raise KeyboardInterrupt
        real(src, dst)

    monkeypatch.setattr(writer.os, "replace", interrupted)
    res = invoke("import", "conll", conll, "--out", out, "--label-map", MAP)
    assert res.exit_code == 130 and not out.exists()
    assert list(tmp_path.iterdir()) == [conll]  # no temporary folder left
    monkeypatch.setattr(writer.os, "replace", real)
    assert invoke("import", "conll", conll, "--out", out, "--label-map", MAP).exit_code == 0
    manifest = (out / "annotations/manifest.json").read_bytes()
    other = tmp_path / "more.conll"
    other.write_text("Kim B-PER\n", encoding="utf-8")
    monkeypatch.setattr(writer.os, "replace", interrupted)
    res = invoke("import", "conll", other, "--out", out, "--label-map", MAP)
    assert res.exit_code == 130
    assert (out / "annotations/manifest.json").read_bytes() == manifest  # the old one
    assert not [p for p in out.iterdir() if p.name.startswith(".ecbench-write")]


# --- add ------------------------------------------------------------------------------------------

ARTICLE = "Kim Jong Un met Sergei Lavrov in Wonsan.\nThey talked for hours.\n"


def test_add_stores_the_article_byte_for_byte_with_an_empty_gold_file(tmp_path):
    corpus = tmp_path / "corpus"
    article = tmp_path / "wonsan.txt"
    article.write_bytes(ARTICLE.encode("utf-8"))
    res = invoke("add", article, "--corpus", corpus, "--source", "KCNA, 13 July 2025",
                 "--licence", "copyright of its publisher", "--language", "en")
    assert res.exit_code == 0, res.output
    sha = hashlib.sha256(ARTICLE.encode("utf-8")).hexdigest()
    doc_id = f"000_{sha[:16]}"
    assert (corpus / "seeds" / f"{doc_id}.txt").read_bytes() == ARTICLE.encode("utf-8")
    [entry] = load(corpus).manifest.documents
    assert (entry.id, entry.sha256, entry.split, entry.language) == (doc_id, sha, "test", "en")
    gold = json.loads((corpus / "annotations/gold" / f"{doc_id}.json").read_text())
    assert (gold["mentions"], gold["entities"], gold["claims"]) == ([], [], [])
    assert invoke("validate", corpus).exit_code == 0
    second = tmp_path / "second.txt"
    second.write_text("Another article.\n", encoding="utf-8")
    res = invoke("add", article, second, "--corpus", corpus, "--source", "s", "--licence", "l",
                 "--language", "en")
    assert res.exit_code == 0, res.output
    assert f"already in the corpus as {doc_id}" in res.output
    assert [e.id[:4] for e in load(corpus).manifest.documents] == ["000_", "001_"]


@pytest.mark.parametrize("raw, message", [
    (b"Kim\r\nmet Lavrov.\r\n", ("line 1: found 2 carriage returns (CRLF or CR line ends), "
                                 "expected LF line ends only")),
    (b"\xef\xbb\xbfKim met Lavrov.\n", "byte 0: found a UTF-8 byte order mark"),
    (b"Kim m\xe9t Lavrov.\n", "byte 5: found byte 0xe9, expected UTF-8 text"),
    (b"  \n", "found an empty text, expected an article"),
])
def test_add_refuses_a_text_that_cannot_be_a_seed(tmp_path, raw, message):
    article = tmp_path / "a.txt"
    article.write_bytes(raw)
    res = invoke("add", article, "--corpus", tmp_path / "c", "--source", "s", "--licence", "l")
    assert res.exit_code == 1 and res.output.count("\n") == 1 and message in res.output
    assert not (tmp_path / "c").exists()
    res = invoke("add", article, "--corpus", tmp_path / "c", "--licence", "l")
    assert res.exit_code == 1 and "--source: found nothing" in res.output


def test_add_pre_annotates_tasks_that_import_back_into_the_empty_gold(tmp_path):
    corpus = tmp_path / "corpus"
    article = tmp_path / "wonsan.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    tasks = tmp_path / "tasks.json"
    res = invoke("add", article, "--corpus", corpus, "--source", "s", "--licence", "l",
                 "--language", "en", "--pre-annotate", "spacy", "--tasks", tasks)
    assert res.exit_code == 0, res.output
    [task] = json.loads(tasks.read_text(encoding="utf-8"))
    assert (tmp_path / "tasks.xml").read_text(encoding="utf-8").startswith("<View>")
    labels = {(r["value"]["text"], r["value"]["labels"][0])
              for r in task["predictions"][0]["result"] if r["type"] == "labels"}
    assert ("Sergei Lavrov", "PERSON") in labels
    # corrected in Label Studio, imported back: the empty gold is replaced without --force
    res = invoke("import", "label-studio", tasks, "--out", corpus, "--source", "s",
                 "--licence", "l", "--language", "en")
    assert res.exit_code == 0 and "replaced 1" in res.output, res.output
    [document] = load(corpus)
    assert ("Sergei Lavrov", "PERSON") in {(m.text, m.label) for m in document.gold.mentions}
    assert document.meta.source == "s"  # the manifest entry of the seed is kept


def test_benchmark_runs_on_an_imported_corpus(conll, tmp_path):
    out = tmp_path / "corpus"
    assert invoke("import", "conll", conll, "--out", out, "--label-map", MAP).exit_code == 0
    res = invoke("benchmark", "--corpus", out, "-e", "gold", "-e", "empty", "--results-dir",
                 tmp_path / "results", "--no-progress", "--n-resamples", "0")
    assert res.exit_code == 0, res.output
    gold = json.loads((tmp_path / "results/gold.json").read_text(encoding="utf-8"))
    assert gold["mentions"]["micro"]["strict"]["f1"] == 1.0
    assert (tmp_path / "results/LEADERBOARD.md").is_file()
