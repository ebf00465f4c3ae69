"""`export hf` on corpora the bundled one is not: without claims (NER only) or without
mentions, and larger than one batch. Every config is written, loads back offline with
``datasets.load_dataset`` with its features, and passes the folder check."""

from __future__ import annotations

import json

import pytest
from datasets import load_dataset
from test_export_fixture import make_corpus
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.export import hf
from toolkit.export.hf import CONFIGS, FEATURES, check_folder, export_hf
from toolkit.io.corpus import load

runner = CliRunner()


pytestmark = pytest.mark.usefixtures("hf_offline")  # tests/conftest.py


def strip(root, *, claims: bool = False, mentions: bool = False):
    """Rewrite the fixture's gold files without claims and/or mentions (and entities)."""
    for path in (root / "annotations/gold").glob("*.json"):
        gold = json.loads(path.read_text(encoding="utf-8"))
        if claims:
            gold["claims"] = []
        if mentions:
            gold["mentions"], gold["entities"] = [], []
            for c in gold["claims"]:
                c["claimant"], c["entities"] = "author", []
        path.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    return root


def loaded(out, tmp_path, configs=CONFIGS, streaming: bool = False) -> dict:
    return {c: load_dataset(str(out), c, cache_dir=str(tmp_path / "cache"), streaming=streaming)
            for c in configs}


@pytest.mark.parametrize("without", ["claims", "mentions", "both"])
def test_a_corpus_without_claims_or_mentions_exports_every_config(without, tmp_path):
    root = strip(make_corpus(tmp_path / "corpus"), claims=without in ("claims", "both"),
                 mentions=without in ("mentions", "both"))
    out = tmp_path / "hf"
    res = runner.invoke(app, ["export", "hf", str(out), "--corpus", str(root)])
    assert res.exit_code == 0, res.output
    assert "checked" in res.output
    corpus = load(root)
    empty = {"claims"} if without in ("claims", "both") else set()
    # datasets (<= 5.2) cannot build an empty split in memory ("Instruction 'train' corresponds
    # to no data", huggingface/datasets#8401): empty configs load streaming, with features
    for config, dsd in {**loaded(out, tmp_path, [c for c in CONFIGS if c not in empty]),
                        **loaded(out, tmp_path, sorted(empty), streaming=True)}.items():
        assert set(dsd) == {"train", "test"}
        for split, ds in dsd.items():
            assert ds.features == FEATURES[config], (config, split)
            docs = [d for d in corpus if d.meta.split == split]
            rows = list(ds)
            if config == "claims":
                assert len(rows) == sum(len(d.gold.claims) for d in docs)
            elif config == "documents":
                assert [r["id"] for r in rows] == [d.id for d in docs]
            else:  # every sentence is still there, tagged O where there are no mentions
                assert rows and len({r["doc_id"] for r in rows}) == len(docs)
                if without != "claims":
                    assert {t for r in rows for t in r["ner_tags"]} == {0}
    if empty:
        assert all(not list(ds) for ds in loaded(out, tmp_path, ["claims"], True)["claims"].values())
    assert check_folder(out) == []


def test_batches_write_the_same_rows_as_one_pass(tmp_path, monkeypatch):
    # documents cross several batches (row groups): the rows are those of the whole corpus
    corpus = load(make_corpus(tmp_path / "corpus"))
    expected = hf.build_rows(corpus)
    monkeypatch.setattr(hf, "BATCH_DOCS", 1)
    export_hf(corpus, tmp_path / "hf")
    got = loaded(tmp_path / "hf", tmp_path)
    for config in CONFIGS:
        for split, rows in expected[config].items():
            assert got[config][split].to_list() == rows, (config, split)
    assert check_folder(tmp_path / "hf") == []


def test_check_folder_catches_rows_of_unknown_documents(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    corpus = load(make_corpus(tmp_path / "corpus"))
    out = tmp_path / "hf"
    export_hf(corpus, out)
    path = out / hf.data_file("claims", "train")
    table = pq.read_table(path)
    pq.write_table(table.set_column(0, "doc_id", pa.array(["ghost"] * table.num_rows)), path)
    problems = check_folder(out)
    assert any("doc_id: found 'ghost'" in p for p in problems), problems


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("earlier", [False, True])
@pytest.mark.parametrize("broken", ["text", "schema"])  # a semantic problem, a schema one
def test_an_invalid_document_found_while_exporting_leaves_the_folder_as_it_was(
        earlier, broken, tmp_path, monkeypatch):
    # the stream validates each document as the export reads it (one read of each file): the
    # last document is read after the others were written into temp files (batches of one)
    from toolkit.io.corpus import validate_corpus

    monkeypatch.setattr(hf, "BATCH_DOCS", 1)
    root = make_corpus(tmp_path / "corpus")
    out = tmp_path / "hf"
    if earlier:
        assert runner.invoke(app, ["export", "hf", str(out), "--corpus", str(root),
                                   "--no-check"]).exit_code == 0
    before = _files(out) if earlier else None
    last = load(root).manifest.documents[-1].id
    path = root / "annotations/gold" / f"{last}.json"
    gold = json.loads(path.read_text(encoding="utf-8"))
    if broken == "text":
        gold["mentions"][0]["text"] += "x"  # no longer the text at its offsets
    else:  # a string offset: strict parsing refuses it (the fast path hands it to pydantic)
        gold["mentions"][0]["start"] = str(gold["mentions"][0]["start"])
    path.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    problems = validate_corpus(root)
    res = runner.invoke(app, ["export", "hf", str(out), "--corpus", str(root)])
    assert res.exit_code == 1
    assert (f"has {len(problems)} problem(s); run `ecbench validate` (first: {problems[0]})"
            in " ".join(res.output.split()))
    assert "Traceback" not in res.output
    if earlier:
        assert _files(out) == before
    else:
        assert not out.exists()


def test_export_hf_does_not_load_torch(tmp_path):
    # thinc imports torch whenever it is installed (~190 MiB); the export needs neither
    # library's torch support (toolkit/runtime.py). A fresh process: pytest may hold torch.
    import importlib.util
    import os
    import subprocess
    import sys

    if importlib.util.find_spec("torch") is None:
        pytest.skip("torch is not installed here: nothing to keep out")
    root = make_corpus(tmp_path / "corpus")
    code = ("import sys; from typer.testing import CliRunner; from toolkit.cli import app; "
            f"r = CliRunner().invoke(app, ['export', 'hf', {str(tmp_path / 'hf')!r}, '--corpus', "
            f"{str(root)!r}]); assert r.exit_code == 0, r.output; "
            "import spacy, datasets.config, thinc.compat; "
            "print('torch' in sys.modules, thinc.compat.has_torch)")
    env = {**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1",
           "HF_HOME": str(tmp_path / "hf_home")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["False", "False"]


@pytest.mark.parametrize("source", ["fixture", "bundled"])
def test_documents_columns_equal_document_rows(source, tmp_path):
    # the documents config is built column by column; document_row is the row-by-row reference
    # (the card's num_bytes come from the table, so its buffers must match too)
    import pyarrow as pa

    corpus = load() if source == "bundled" else load(make_corpus(tmp_path / "corpus"))
    docs = list(corpus)
    assert any(c.cue is None for d in docs for c in d.gold.claims) or source == "bundled"
    schema = FEATURES["documents"].arrow_schema
    got = pa.Table.from_pydict(hf.documents_columns(docs), schema=schema)
    expected = pa.Table.from_pylist([hf.document_row(d) for d in docs], schema=schema)
    assert got.to_pylist() == expected.to_pylist()
    assert got.equals(expected) and got.nbytes == expected.nbytes
