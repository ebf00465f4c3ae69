"""ecbench's own exports read back by the format readers: the `export hf` folder (hf-export),
Label Studio tasks and the spaCy DocBin each give back the corpus's gold (identical mentions;
for the hf folder and the DocBin, identical gold) and score 1.000 against it."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from formats_helpers import as_predictions
from test_export_fixture import load_fixture

from toolkit.export.docbin import corpus_to_docbin_bytes
from toolkit.export.hf import export_hf
from toolkit.export.labelstudio import corpus_to_tasks
from toolkit.io.formats import FormatOptions, docbin, ecbench_hf, hf_tokens, labelstudio
from toolkit.problems import InputError
from toolkit.scoring import score


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return load_fixture(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def exported(corpus, tmp_path_factory):
    """The corpus exported three ways: hf folder, Label Studio tasks, DocBin."""
    out = tmp_path_factory.mktemp("exports")
    export_hf(corpus, out / "hf")
    (out / "tasks.json").write_text(json.dumps(corpus_to_tasks(corpus), ensure_ascii=False),
                                    encoding="utf-8")
    (out / "gold.spacy").write_bytes(corpus_to_docbin_bytes(corpus)[0])
    return out


READERS = {"hf": ecbench_hf, "tasks.json": labelstudio, "gold.spacy": docbin}


@pytest.mark.parametrize("name", list(READERS))
def test_each_export_read_back_is_the_gold(corpus, exported, name):
    reader = READERS[name]
    assert reader.detect(exported / name)
    read = reader.read(exported / name, FormatOptions())
    assert [d.id for d in read.documents] == [d.id for d in corpus]
    assert read.produces == ("mentions", "claims") and not read.positional
    for document, original in zip(read.documents, corpus):
        assert document.text == original.text
        assert [(m.start, m.end, m.label, m.entity) for m in document.mentions] == [
            (m.start, m.end, m.label, m.entity) for m in original.gold.mentions]
        assert document.gold == original.gold  # ids, entities, claims: everything
        assert document.claims == original.gold.as_prediction().claims
    # nested mentions ("Korean" in "Korean Central News Agency") come back too: the DocBin
    # keeps them in a span group, though doc.ents cannot hold them
    assert any(a.start <= b.start and b.end <= a.end and a != b
               for d in read.documents for a in d.mentions for b in d.mentions)


@pytest.mark.parametrize("name", list(READERS))
def test_each_export_scores_one_against_the_corpus(corpus, exported, name):
    read = READERS[name].read(exported / name, FormatOptions())
    gold = [d.gold.as_prediction() for d in corpus]
    pred, texts = as_predictions(read)
    report = score(gold, pred, texts, produces=["mentions", "claims"], n_resamples=0).to_dict()
    for scheme in ("strict", "exact", "partial", "type"):
        assert report["mentions"]["micro"][scheme]["f1"] == 1.0
    assert report["mentions"]["micro"]["strict"]["correct"] == sum(
        len(d.gold.mentions) for d in corpus) > 0
    assert report["claims"]["f1"] == 1.0 and report["claims"]["tp"] == sum(
        len(d.gold.claims) for d in corpus) > 0


def test_the_hf_export_keeps_metadata_and_splits(corpus, exported):
    read = ecbench_hf.read(exported / "hf")
    for document, original in zip(read.documents, corpus):
        assert document.split == original.meta.split
        assert document.meta == {k: getattr(original.meta, k)
                                 for k in ("language", "split", "source", "licence")}
    test_only = ecbench_hf.read(exported / "hf", FormatOptions(split="test"))
    assert [d.id for d in test_only.documents] == [d.id for d in corpus
                                                   if d.meta.split == "test"]
    with pytest.raises(InputError, match="found splits train, test, expected --split naming one "
                                         "of them \\(not 'validation'\\)"):
        ecbench_hf.read(exported / "hf", FormatOptions(split="validation"))
    assert not hf_tokens.detect(exported / "hf")  # its own reader, not the token one
    one_file = exported / "hf/documents/train-00000-of-00001.parquet"
    assert ecbench_hf.detect(one_file) and not hf_tokens.detect(one_file)
    assert [d.id for d in ecbench_hf.read(one_file).documents] == ["a01_talks"]
    assert any("the ner and claims configs are made from it and not read" in n
               for n in read.notes)


def _tampered(exported: Path, tmp_path: Path, change) -> Path:
    """A copy of the hf export's train documents file with ``change`` made to its rows."""
    table = pq.read_table(exported / "hf/documents/train-00000-of-00001.parquet")
    rows = table.to_pylist()
    change(rows)
    path = tmp_path / "train-00000-of-00001.parquet"
    pq.write_table(type(table).from_pylist(rows, schema=table.schema), path)
    return path


def test_a_damaged_hf_export_is_one_located_error(corpus, exported, tmp_path):
    at = corpus.documents[0].text.index("Sergei Lavrov")

    def text(rows):
        rows[0]["mentions"][2]["text"] = "Sergei  Lavrov"

    path = _tampered(exported, tmp_path, text)
    with pytest.raises(InputError) as caught:
        ecbench_hf.read(path)
    assert str(caught.value) == (f"{path}: row 1: mentions[2] (id m3): text: found 'Sergei  "
                                 "Lavrov', expected 'Sergei Lavrov' (the text at "
                                 f"{at}:{at + 13})")

    def sha(rows):
        assert "\n\n" in rows[0]["text"]  # between paragraphs: no span holds it, only the hash
        rows[0]["text"] = rows[0]["text"].replace("\n\n", "\n ")

    path = _tampered(exported, tmp_path, sha)
    with pytest.raises(InputError, match=r"row 1: metadata.sha256: found [0-9a-f]{64}, expected "
                                         r"[0-9a-f]{64} \(the sha256 of the row's text\)"):
        ecbench_hf.read(path)

    def label(rows):
        rows[0]["mentions"][0]["label"] = "COUNTRY"

    path = _tampered(exported, tmp_path, label)
    with pytest.raises(InputError, match=r"row 1: mentions\[0\] \(id m1\): label: found 'COUNTRY', "
                                         r"expected one of 'PERSON'"):
        ecbench_hf.read(path)
