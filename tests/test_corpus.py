"""Loading the corpus, its pandas views, and the validate / stats commands."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

import toolkit
from toolkit.cli import app
from toolkit.io.corpus import validate_corpus
from toolkit.problems import CorpusError

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
VALID = DATA / "valid_corpus"
GOLD = json.loads((VALID / "annotations/gold/doc1.json").read_text(encoding="utf-8"))
runner = CliRunner()


def no_traceback(result) -> bool:
    return result.exception is None or isinstance(result.exception, SystemExit)


def test_bundled_corpus_is_valid():
    assert [str(p) for p in validate_corpus(REPO)] == []


def test_load_gives_documents_with_gold_and_frames():
    corpus = toolkit.load(VALID)
    assert [d.id for d in corpus] == ["doc1"]
    doc = corpus["doc1"]
    assert doc.text == (VALID / "seeds/doc1.txt").read_bytes().decode("utf-8")
    assert doc.gold.model_dump(by_alias=True) == GOLD
    mentions = corpus.mentions_frame()
    assert list(mentions["id"]) == [m["id"] for m in GOLD["mentions"]]
    assert all(doc.text[r.start:r.end] == r.text for r in mentions.itertuples())
    assert list(corpus.claims_frame()["claimant"]) == [c["claimant"] for c in GOLD["claims"]]


def test_load_refuses_a_bad_corpus_with_every_problem(tmp_path):
    root = tmp_path / "c"
    shutil.copytree(VALID, root)
    seed = root / "seeds/doc1.txt"
    seed.write_bytes(seed.read_bytes().replace(b"\n", b"\r\n"))
    with pytest.raises(CorpusError) as raised:
        toolkit.load(root)
    assert [str(p) for p in raised.value.problems] == [str(p) for p in validate_corpus(root)]
    assert len(raised.value.problems) > 2  # CR, sha256, and the shifted offsets


# --- ecbench validate ----------------------------------------------------------------------------


def test_validate_ok_on_the_valid_corpus():
    result = runner.invoke(app, ["validate", str(VALID)])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output and "no problems" in result.output


def test_validate_defaults_to_the_corpus_root(monkeypatch):
    monkeypatch.setenv("ECBENCH_CORPUS", str(VALID))
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0 and "valid_corpus: no problems" in result.output


def test_validate_reports_every_problem_and_exits_1(tmp_path):
    root = tmp_path / "c"
    shutil.copytree(VALID, root)
    shutil.copy(DATA / "bad/gold/dangling_ids.json", root / "annotations/gold/doc1.json")
    result = runner.invoke(app, ["validate", str(root)])
    assert result.exit_code == 1 and no_traceback(result)
    for problem in validate_corpus(root):
        assert str(problem) in result.output
    assert "3 problems in 1 file" in result.output


def test_validate_gold_and_predictions_files_against_the_corpus(monkeypatch):
    monkeypatch.setenv("ECBENCH_CORPUS", str(VALID))
    predictions = DATA / "bad/predictions/many_problems.jsonl"
    result = runner.invoke(app, ["validate", str(predictions)])
    assert result.exit_code == 1 and no_traceback(result)
    assert "mentions[1].text: found 'Kim's', expected 'Kim\\u2019s' (the text at 78:83)" in result.output
    assert "8 problems in 1 file" in result.output  # a repeated mention is no problem
    gold = VALID / "annotations/gold/doc1.json"
    assert runner.invoke(app, ["validate", str(gold)]).exit_code == 0


def test_validate_gold_file_of_no_known_document(monkeypatch):
    monkeypatch.setenv("ECBENCH_CORPUS", str(VALID))
    path = DATA / "bad/gold/curly_quotes.json"
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "found no document 'curly_quotes' in the corpus" in result.output


def test_validate_unknown_paths(tmp_path):
    text_file = tmp_path / "notes.txt"
    text_file.write_text("x")
    result = runner.invoke(app, ["validate", str(tmp_path / "missing"), str(text_file)])
    assert result.exit_code == 1 and no_traceback(result)
    assert f"{tmp_path / 'missing'}: found no such file or folder" in result.output
    assert f"{text_file}: found a .txt file" in result.output


# --- ecbench stats -------------------------------------------------------------------------------


def test_stats_json_counts_match_the_gold():
    result = runner.invoke(app, ["stats", "--corpus", str(VALID), "--format", "json"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)
    overview = {row["measure"]: row["count"] for row in stats["overview"]}
    text = (VALID / "seeds/doc1.txt").read_bytes().decode("utf-8")
    assert overview == {
        "documents": 1, "characters": len(text), "mentions": len(GOLD["mentions"]),
        "entities": len(GOLD["entities"]), "claims": len(GOLD["claims"]),
        "check-worthy claims": sum(c["checkworthy"] for c in GOLD["claims"]),
    }
    by_label = {row["label"]: row["count"] for row in stats["mentions by label"]}
    assert by_label == Counter(m["label"] for m in GOLD["mentions"])
    by_type = {row["type"]: row["count"] for row in stats["claims by type"]}
    assert by_type == Counter(c["type"] for c in GOLD["claims"])
    entity_types = {row["type"]: row["count"] for row in stats["entities by type"]}
    assert entity_types == Counter(e["type"] for e in GOLD["entities"])
    claimants = {row["claimant"] for row in stats["claims by claimant"]}
    assert claimants == {"author", "Kim Jong Un (e2)", "Korean Central News Agency (e6)"}


def test_stats_table_and_markdown():
    table = runner.invoke(app, ["stats", "--corpus", str(VALID)])
    assert table.exit_code == 0 and "Mentions by label" in table.output and "PERSON" in table.output
    markdown = runner.invoke(app, ["stats", "--corpus", str(VALID), "--format", "markdown"])
    assert markdown.exit_code == 0
    assert "### Claims by claimant" in markdown.output
    assert "| label | count | share |\n| --- | ---: | ---: |" in markdown.output


def test_stats_refuses_an_invalid_corpus(tmp_path):
    root = tmp_path / "c"
    shutil.copytree(VALID, root)
    (root / "annotations/gold/doc1.json").write_text("{", encoding="utf-8")
    result = runner.invoke(app, ["stats", "--corpus", str(root)])
    assert result.exit_code == 1 and no_traceback(result)
    assert "doc1.json: line 1, column 2" in result.output and "truncated" in result.output


def test_validate_any_label_accepts_a_predictions_file_in_another_label_set(tmp_path, monkeypatch):
    """CoNLL labels are an error by default, accepted with --any-label (scored via --label-map);
    offsets are still checked."""
    from toolkit.io.corpus import load

    monkeypatch.setenv("ECBENCH_CORPUS", str(VALID))
    doc = load(VALID).documents[0]
    first = doc.gold.mentions[0]
    line = {"doc_id": doc.id, "mentions": [{"start": first.start, "end": first.end, "label": "PER"}]}
    predictions = tmp_path / "conll.jsonl"
    predictions.write_text(json.dumps(line) + "\n", encoding="utf-8")
    strict = runner.invoke(app, ["validate", str(predictions)])
    assert strict.exit_code == 1 and "PER" in strict.output
    assert runner.invoke(app, ["validate", "--any-label", str(predictions)]).exit_code == 0
    line["mentions"][0]["end"] = len(doc.text) + 5
    predictions.write_text(json.dumps(line) + "\n", encoding="utf-8")
    assert runner.invoke(app, ["validate", "--any-label", str(predictions)]).exit_code == 1


def test_stats_on_a_missing_corpus_says_so(tmp_path):
    result = runner.invoke(app, ["stats", "--corpus", str(tmp_path / "nowhere")])
    assert result.exit_code == 1 and no_traceback(result)
    assert "nowhere: found no such folder, expected a corpus folder" in result.output
    assert "ecbench validate" not in result.output
