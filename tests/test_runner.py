"""The runner and `ecbench extract`: batching, failure isolation, provenance, workers, Ctrl-C."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.extractors import Extractor
from toolkit.extractors.oracle import EmptyExtractor, GoldExtractor
from toolkit.extractors.runner import documents_from_folder, run
from toolkit.io.corpus import load
from toolkit.io.predictions import read_predictions
from toolkit.schema import Prediction, PredMention

TEXTS = {
    "d1": "Kim Jong Un met Sergei Lavrov in Wonsan on Saturday, KCNA said.",
    "d2": "South Korea estimated that about 11,000 troops were sent, according to Reuters.",
    "d3": "BOOM is a word that makes the failing extractor fail.",
}


def _mention(text: str, surface: str, label: str, entity: str, n: int) -> dict:
    start = text.index(surface)
    return {"id": f"m{n}", "start": start, "end": start + len(surface), "label": label,
            "text": surface, "entity": entity}


def make_corpus(root: Path, texts: dict[str, str] = TEXTS) -> Path:
    """A small valid corpus: every document has gold with a mention and a claim."""
    (root / "seeds").mkdir(parents=True)
    (root / "annotations" / "gold").mkdir(parents=True)
    entries = []
    for doc_id, text in texts.items():
        (root / "seeds" / f"{doc_id}.txt").write_text(text, encoding="utf-8", newline="")
        entries.append({"id": doc_id, "sha256": hashlib.sha256(text.encode()).hexdigest(),
                        "language": "en", "split": "test", "source": "made up for tests",
                        "licence": "CC0-1.0"})
        word = text.split()[0]
        gold = {
            "schema": "ecbench.gold/v1", "doc_id": doc_id,
            "mentions": [_mention(text, word, "PERSON", "e1", 1)],
            "entities": [{"id": "e1", "name": word, "type": "PERSON"}],
            "claims": [{"id": "c1", "span": {"start": 0, "end": len(text), "text": text},
                        "statement": text, "claimant": "author", "cue": None, "type": "event",
                        "checkworthy": True, "entities": ["e1"]}],
        }
        (root / "annotations" / "gold" / f"{doc_id}.json").write_text(json.dumps(gold), encoding="utf-8")
    manifest = {"schema": "ecbench.manifest/v1", "documents": entries}
    (root / "annotations" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return root


@pytest.fixture
def corpus_root(tmp_path):
    return make_corpus(tmp_path / "corpus")


class FailsOnBoom(Extractor):
    """Raises on any batch holding a document with BOOM in it."""

    name = "fails-on-boom"
    produces = frozenset({"mentions"})
    calls: list[int] = []

    def extract(self, docs):
        FailsOnBoom.calls.append(len(docs))
        if any("BOOM" in d.text for d in docs):
            raise RuntimeError("kaboom")
        return [Prediction(doc_id=d.id, mentions=[PredMention(start=0, end=3, label="X")]) for d in docs]


class Interrupted(Extractor):
    name = "interrupted"

    def extract(self, docs):
        raise KeyboardInterrupt


class Skips(Extractor):
    name = "skips"

    def extract(self, docs):
        return [Prediction(doc_id=d.id) for d in docs[1:]]


def test_failure_is_isolated_to_its_document(corpus_root):
    docs = list(load(corpus_root))
    result = run(FailsOnBoom(), docs, batch_size=3, progress=False)
    assert [p.doc_id for p in result.predictions] == ["d1", "d2", "d3"]
    assert list(result.failures) == ["d3"] and "kaboom" in result.failures["d3"]
    failed = result.predictions[2]
    assert failed.error and failed.mentions == [] and failed.claims == []
    assert all(p.mentions for p in result.predictions[:2])  # the others kept their predictions
    assert result.header.provenance["failed_documents"] == ["d3"]


def test_missing_prediction_is_a_failure(corpus_root):
    result = run(Skips(), list(load(corpus_root)), batch_size=2, progress=False)
    assert set(result.failures) == {"d1", "d3"}  # the first of each batch


def test_header_records_provenance(corpus_root):
    docs = list(load(corpus_root))
    result = run(EmptyExtractor(), docs, batch_size=2, progress=False)
    prov = result.header.provenance
    assert prov["extractor"] == "empty" and prov["version"] == EmptyExtractor.version
    assert prov["corpus"] == {d.id: hashlib.sha256(d.text.encode()).hexdigest() for d in docs}
    assert prov["documents"] == 3 and prov["docs_per_second"] > 0 and prov["wall_time_s"] >= 0
    assert prov["started_at"].endswith("+00:00")
    assert result.header.produces == ["claims", "mentions"]


def test_workers_give_the_same_predictions(corpus_root):
    docs = list(load(corpus_root))
    serial = run(GoldExtractor(), docs, batch_size=1, progress=False)
    parallel = run(GoldExtractor(), docs, batch_size=1, workers=2, progress=False)
    assert parallel.predictions == serial.predictions
    assert parallel.header.provenance["workers"] == 2


def test_workers_refused_for_unsafe_extractor(corpus_root):
    result = run(FailsOnBoom(), list(load(corpus_root)), workers=4, progress=False)
    assert result.header.provenance["workers"] == 1
    assert "parallel_safe" in result.notes[0]


def test_documents_from_folder(tmp_path):
    (tmp_path / "b.txt").write_text("Bee.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Ay.", encoding="utf-8")
    docs = documents_from_folder(tmp_path)
    assert [(d.id, d.text) for d in docs] == [("a", "Ay."), ("b", "Bee.")]
    assert docs[0].meta.sha256 == hashlib.sha256(b"Ay.").hexdigest()


# --- the command ---------------------------------------------------------------------------------

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_extract_writes_header_and_predictions(corpus_root, tmp_path):
    out = tmp_path / "preds.jsonl"
    result = invoke("extract", "-e", "gold", "--corpus", corpus_root, "--out", out, "--no-progress")
    assert result.exit_code == 0, result.output
    header, preds = read_predictions(out)
    assert header.provenance["extractor"] == "gold"
    assert [p.doc_id for p in preds] == ["d1", "d2", "d3"]
    assert preds == [d.gold.as_prediction() for d in load(corpus_root)]


def test_extract_exits_2_naming_failed_documents(corpus_root, tmp_path):
    out = tmp_path / "preds.jsonl"
    result = invoke("extract", "-e", f"{__name__}:FailsOnBoom", "--corpus", corpus_root, "--out", out,
                    "--no-progress")
    assert result.exit_code == 2
    assert "d3" in result.output and "kaboom" in result.output and "Traceback" not in result.output
    _, preds = read_predictions(out)  # the run went on and the file was written
    assert [p.error is not None for p in preds] == [False, False, True]


def test_ctrl_c_leaves_no_output_and_no_temp_file(corpus_root, tmp_path):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    result = invoke("extract", "-e", f"{__name__}:Interrupted", "--corpus", corpus_root,
                    "--out", out_dir / "preds.jsonl", "--no-progress")
    assert result.exit_code == 130 and "interrupted" in result.output
    assert list(out_dir.iterdir()) == []


def test_ctrl_c_keeps_a_previous_output(corpus_root, tmp_path):
    out = tmp_path / "preds.jsonl"
    out.write_text("previous\n")
    invoke("extract", "-e", f"{__name__}:Interrupted", "--corpus", corpus_root, "--out", out, "--no-progress")
    assert out.read_text() == "previous\n" and list(tmp_path.glob(".preds*")) == []


def test_extract_from_a_docs_folder(tmp_path):
    folder = tmp_path / "txt"
    folder.mkdir()
    (folder / "x.txt").write_text("Hello World.", encoding="utf-8")
    out = tmp_path / "p.jsonl"
    result = invoke("extract", "-e", "empty", "--docs", folder, "--out", out, "--no-progress")
    assert result.exit_code == 0, result.output
    assert [p.doc_id for p in read_predictions(out)[1]] == ["x"]


@pytest.mark.parametrize("args, message", [
    (["-e", "spacy", "--set", "batch_size=lots"], "'batch_size': found 'lots', expected a valid integer"),
    (["-e", "spacy", "--set", "colour=red"], "unknown setting 'colour'"),
    (["-e", "spacy", "--set", "novalue"], "expected key=value"),
    (["-e", "no-such-extractor"], "unknown extractor 'no-such-extractor'; available: "),
    (["-e", "no_such_module:Thing"], "cannot import module 'no_such_module'"),
])
def test_bad_input_is_one_clear_line(args, message, corpus_root, tmp_path):
    result = invoke("extract", *args, "--corpus", corpus_root, "--out", tmp_path / "p.jsonl")
    assert result.exit_code == 1
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output and not (tmp_path / "p.jsonl").exists()


def test_extract_rejects_a_broken_corpus(corpus_root, tmp_path):
    (corpus_root / "seeds" / "d1.txt").write_text("changed", encoding="utf-8")  # sha256 mismatch
    result = invoke("extract", "-e", "empty", "--corpus", corpus_root, "--out", tmp_path / "p.jsonl")
    assert result.exit_code == 1 and "d1" in result.output and "Traceback" not in result.output
