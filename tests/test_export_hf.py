"""The Hugging Face folder: loads offline with datasets.load_dataset for every config, equals
the gold, carries the ClassLabel names, parses back as a card, and is byte-identical when
exported twice."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from datasets import load_dataset
from datasets.info import DatasetInfosDict
from datasets.utils.metadata import MetadataConfigs
from huggingface_hub import DatasetCard
from test_export_fixture import load_fixture

from toolkit.export.hf import CONFIGS, FEATURES, check_folder, export_hf
from toolkit.export.tokens import BIO_TAGS
from toolkit.problems import InputError
from toolkit.schema import DocumentGold

LEADERBOARD = "| system | F1 |\n|---|---|\n| spacy | 0.5 |\n"


pytestmark = pytest.mark.usefixtures("hf_offline")  # tests/conftest.py


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    corpus = load_fixture(tmp_path_factory.mktemp("corpus"))
    out = tmp_path_factory.mktemp("hf")
    result = export_hf(corpus, out, leaderboard=LEADERBOARD, guidelines="# G\n\nMark names.\n\n## 1. Mentions\n")
    return corpus, out, result


def load(out, name, tmp_path):
    return load_dataset(str(out), name, cache_dir=str(tmp_path / "cache"))


def test_documents_config_equals_the_gold(exported, tmp_path):
    corpus, out, _ = exported
    dsd = load(out, "documents", tmp_path)
    assert set(dsd) == {"train", "test"}
    rows = {row["id"]: row for split in dsd for row in dsd[split]}
    assert set(rows) == {d.id for d in corpus}
    for document in corpus:
        row = rows[document.id]
        assert row["text"] == document.text
        assert row["metadata"]["split"] == document.meta.split
        assert dsd[document.meta.split].filter(lambda r: r["id"] == document.id).num_rows == 1
        gold = DocumentGold(doc_id=row["id"], mentions=row["mentions"], entities=row["entities"],
                            claims=row["claims"])
        assert gold == document.gold
    assert load(out, None, tmp_path)["train"][0]["id"] == "a01_talks"  # documents is the default


def test_ner_config_class_labels_and_tokens(exported, tmp_path):
    corpus, out, _ = exported
    dsd = load(out, "ner", tmp_path)
    for split, ds in dsd.items():
        assert ds.features["ner_tags"].feature.names == list(BIO_TAGS)
        for row in ds:
            assert all(0 <= t < len(BIO_TAGS) for t in row["ner_tags"])  # not checked by datasets
            assert len(row["tokens"]) == len(row["ner_tags"])
    # every token, in order, is the next stretch of non-space text; B-/I- spans give the gold
    for document in corpus:
        rows = [r for r in dsd[document.meta.split] if r["doc_id"] == document.id]
        names = dsd[document.meta.split].features["ner_tags"].feature.names
        pos, found, current = 0, [], None
        for row in rows:
            for token, tag in zip(row["tokens"], row["ner_tags"]):
                start = document.text.index(token, pos)
                assert not document.text[pos:start].strip()
                pos = start + len(token)
                tag = names[tag]
                if tag.startswith("B-"):
                    current = [tag[2:], start, pos]
                    found.append(current)
                elif tag.startswith("I-"):
                    assert current and current[0] == tag[2:]
                    current[2] = pos
                else:
                    current = None
        gold = {(m.label, m.start, m.end) for m in document.gold.mentions}
        assert {tuple(f) for f in found} <= gold
        dropped = gold - {tuple(f) for f in found}
        assert dropped == ({("NORP", 111, 117)} if document.id == "a01_talks" else set())


def test_claims_config_one_flat_row_per_claim(exported, tmp_path):
    corpus, out, _ = exported
    dsd = load(out, "claims", tmp_path)
    for document in corpus:
        rows = [r for r in dsd[document.meta.split] if r["doc_id"] == document.id]
        assert [r["id"] for r in rows] == [c.id for c in document.gold.claims]
        for row, claim in zip(rows, document.gold.claims):
            assert document.text[row["start"]:row["end"]] == row["text"] == claim.span.text
            assert claim.span.text in row["sentence"] and row["sentence"] in document.text
            assert (row["statement"], row["claimant"], row["type"], row["checkworthy"], row["entities"]) == (
                claim.statement, claim.claimant, claim.type, claim.checkworthy, claim.entities)
            assert row["cue_text"] == (claim.cue.text if claim.cue else None)
    assert dsd["train"][0]["claimant_name"] == "Kim Jong Un"


def test_card_yaml_parses_back(exported):
    corpus, out, result = exported
    text = (out / "README.md").read_text(encoding="utf-8")
    header = yaml.safe_load(text.split("---\n")[1])
    assert header["license"] == "cc-by-4.0"  # CC0 texts, CC BY 4.0 annotations
    assert header["task_ids"] == ["named-entity-recognition", "fact-checking"]
    assert "sequence" not in json.dumps(header["dataset_info"])  # the current `list:` form only
    card = DatasetCard.load(out / "README.md")
    configs = MetadataConfigs.from_dataset_card_data(card.data)
    assert set(configs) == set(CONFIGS) and configs.get_default_config_name() == "documents"
    for config, meta in configs.items():
        for entry in meta["data_files"]:
            assert (out / entry["path"]).is_file()
    infos = DatasetInfosDict.from_dataset_card_data(card.data)
    assert {c: infos[c].features for c in CONFIGS} == FEATURES
    assert infos["documents"].splits["train"].num_examples == 1
    # prose: figures from the data, the benchmark table, the honest licence statement
    assert "| GPE | 4 | 3 |" in text and "| commitment | 1 | 1 |" in text
    assert LEADERBOARD.strip() in text
    assert "CC0-1.0 (test fixture)" in text and "not** a verdict" in text
    assert set(result.files) == {"README.md", "GUIDELINES.md", "eval.yaml",
                                 *(str(p.relative_to(out)) for p in out.glob("*/*.parquet"))}


def test_exporting_twice_is_byte_identical(exported, tmp_path):
    corpus, out, result = exported
    again = export_hf(corpus, tmp_path / "again", leaderboard=LEADERBOARD,
                      guidelines="# G\n\nMark names.\n\n## 1. Mentions\n")
    assert again.files == result.files
    for name in result.files:
        assert (tmp_path / "again" / name).read_bytes() == (out / name).read_bytes(), name


def test_check_folder_passes_a_fresh_export_and_catches_a_bad_one(exported, tmp_path):
    corpus, out, _ = exported
    assert check_folder(out) == []
    import pyarrow as pa
    import pyarrow.parquet as pq

    bad = tmp_path / "bad"
    export_hf(corpus, bad)
    path = bad / "ner/test-00000-of-00001.parquet"
    table = pq.read_table(path)
    tags = pa.array([[99] * len(t) for t in table.column("ner_tags").to_pylist()], table.schema.field("ner_tags").type)
    pq.write_table(table.set_column(3, "ner_tags", tags), path)
    problems = check_folder(bad)
    assert any("ner_tags: found ids [99" in p for p in problems), problems
    assert check_folder(tmp_path / "missing") == [f"{tmp_path / 'missing'}: no README.md; expected a folder written by `ecbench export hf`"]


def test_stale_parquet_files_are_removed(exported, tmp_path):
    corpus, _, _ = exported
    stale = tmp_path / "out" / "ner" / "validation-00000-of-00001.parquet"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    with pytest.raises(InputError, match="not written by `ecbench export hf`"):
        export_hf(corpus, tmp_path / "out")  # not ecbench's folder: nothing touched
    assert stale.read_bytes() == b"old"
    export_hf(corpus, tmp_path / "out", force=True)  # a parquet file in a config folder: replaced
    assert not stale.exists()


def test_loads_in_a_fresh_offline_process(exported, tmp_path):
    _, out, _ = exported
    env = {**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1",
           "HF_HOME": str(tmp_path / "home"), "HF_DATASETS_CACHE": str(tmp_path / "cache")}
    code = ("import sys, datasets; datasets.disable_progress_bars()\n"
            "for name in ('documents', 'ner', 'claims'):\n"
            "    d = datasets.load_dataset(sys.argv[1], name)\n"
            "    print(name, sum(len(s) for s in d.values()))\n")
    run = subprocess.run([sys.executable, "-c", code, str(out)], env=env, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == ["documents", "2", "ner", "3", "claims", "3"]
    assert Path(tmp_path / "cache").is_dir()


# --- the Hub's benchmark file and the ner config's offsets ---------------------------------


def test_every_ner_token_offset_slices_its_document_text_to_the_token(exported, tmp_path):
    corpus, out, _ = exported
    texts = {d.id: d.text for d in corpus}
    ner = load(out, "ner", tmp_path)
    n = 0
    for split in ner:
        for row in ner[split]:
            text = texts[row["doc_id"]]
            assert len(row["token_starts"]) == len(row["token_ends"]) == len(row["tokens"])
            for token, start, end in zip(row["tokens"], row["token_starts"], row["token_ends"]):
                assert text[start:end] == token
                n += 1
    assert n > 50


def test_eval_yaml_has_the_documented_fields_and_names_existing_configs(exported):
    """https://huggingface.co/docs/hub/eval-results: name, description, evaluation_framework,
    tasks of {id, config, split}; the tasks are the headline figures on the test split."""
    from toolkit.export.evalresults import check_eval_yaml

    _, out, _ = exported
    text = (out / "eval.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert list(data) == ["name", "description", "evaluation_framework", "tasks"]
    assert data["evaluation_framework"] == "ecbench" and data["description"].strip()
    assert data["tasks"] == [{"id": "mentions_strict_f1", "config": "ner", "split": "test"},
                             {"id": "claims_f1", "config": "claims", "split": "test"}]
    configs = {c: {"train", "test"} for c in CONFIGS}
    assert check_eval_yaml(text, configs) == []
    # the check fails where it should: a config or split the folder lacks, a field missing
    bad = text.replace("config: claims", "config: claim").replace("evaluation_framework: ecbench\n", "")
    problems = check_eval_yaml(bad, configs)
    assert "evaluation_framework: missing or empty, expected a string" in problems
    assert any(p.startswith("tasks[1]: config: found 'claim'") for p in problems)
    assert check_eval_yaml(text, {"ner": {"train"}, "claims": {"test"}}) == [
        "tasks[0]: split: found 'test', expected one of the ner config's splits ['train']"]


def test_check_folder_catches_a_broken_eval_yaml(exported, tmp_path):
    _, out, _ = exported
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    (copy / "eval.yaml").write_text("name: x\ntasks: []\n", encoding="utf-8")
    problems = check_folder(copy)
    assert f"{copy}/eval.yaml: description: missing or empty, expected a string" in problems
    assert any("eval.yaml: tasks: missing or empty" in p for p in problems)
