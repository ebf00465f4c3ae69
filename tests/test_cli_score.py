"""``ecbench score`` and ``ecbench agree`` on a tiny corpus written to tmp_path."""

from __future__ import annotations

import hashlib
import json

import pytest
from cli_checks import one_line
from test_score import TEXT, gold_doc
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.io.predictions import write_predictions
from toolkit.schema import (
    DocumentGold,
    Manifest,
    ManifestEntry,
    Prediction,
    PredictionsHeader,
    PredMention,
)
from toolkit.scoring.schemes import MENTION_KEYS, SCHEMES

runner = CliRunner()
OTHER = "Lavrov flew to Pyongyang on Friday. He met officials there."


def _gold_file(doc_id: str, text: str) -> dict:
    """A valid DocumentGold for ``text`` (TEXT gets the full annotation of test_score)."""
    if text == TEXT:
        pred = gold_doc(doc_id, text)
    else:
        start = text.index("Pyongyang")
        pred = Prediction(doc_id=doc_id, mentions=[
            PredMention(start=0, end=6, label="PERSON", entity="e1", text="Lavrov"),
            PredMention(start=start, end=start + 9, label="GPE", entity="e2", text="Pyongyang")])
    names = {}
    for m in pred.mentions:
        names.setdefault(m.entity, (m.text, m.label))
    return DocumentGold(
        doc_id=doc_id,
        mentions=[{**m.model_dump(exclude_none=True), "id": f"m{i}"} for i, m in enumerate(pred.mentions)],
        entities=[{"id": e, "name": name, "type": label} for e, (name, label) in names.items()],
        claims=[{**c.model_dump(exclude_none=True), "id": f"c{i}", "entities": []}
                for i, c in enumerate(pred.claims)],
    ).model_dump(mode="json", by_alias=True)


@pytest.fixture
def corpus_root(tmp_path, monkeypatch):
    root = tmp_path / "corpus"
    (root / "seeds").mkdir(parents=True)
    (root / "annotations" / "gold").mkdir(parents=True)
    entries = []
    for doc_id, text in (("d1", TEXT), ("d2", OTHER)):
        (root / "seeds" / f"{doc_id}.txt").write_bytes(text.encode())
        (root / "annotations" / "gold" / f"{doc_id}.json").write_text(json.dumps(_gold_file(doc_id, text)))
        entries.append(ManifestEntry(id=doc_id, sha256=hashlib.sha256(text.encode()).hexdigest(),
                                     language="en", split="test", source="test", licence="CC0-1.0"))
    (root / "annotations" / "manifest.json").write_text(
        Manifest(documents=entries).model_dump_json(by_alias=True))
    monkeypatch.setenv("ECBENCH_CORPUS", str(root))
    return root


def _gold_predictions(root) -> list[Prediction]:
    return [DocumentGold.model_validate_json((root / "annotations" / "gold" / f"{d}.json").read_text())
            .as_prediction() for d in ("d1", "d2")]


@pytest.fixture
def oracle_file(corpus_root, tmp_path):
    path = tmp_path / "oracle.jsonl"
    write_predictions(path, _gold_predictions(corpus_root),
                      PredictionsHeader(provenance={"extractor": "gold"}))
    return path


@pytest.fixture
def flawed_file(corpus_root, tmp_path):
    gold = _gold_predictions(corpus_root)
    flawed = [gold[0].model_copy(update={"mentions": gold[0].mentions[1:], "claims": gold[0].claims[:1]}),
              gold[1].model_copy(update={"mentions": [*gold[1].mentions,
                                                      PredMention(start=7, end=11, label="ORG")]})]
    path = tmp_path / "flawed.jsonl"
    write_predictions(path, flawed)
    return path


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_oracle_json_scores_one_against_the_bundled_corpus(oracle_file):
    result = invoke("score", "--pred", oracle_file, "--format", "json", "--resamples", "20")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["schema"] == "ecbench.score/v2"
    for scheme in SCHEMES:
        assert list(data["mentions"]["micro"][scheme]) == list(MENTION_KEYS)
        assert data["mentions"]["micro"][scheme]["f1"] == 1.0
    assert data["entities"]["f1"] == data["claims"]["f1"] == data["claims"]["sentences"]["f1"] == 1.0
    assert data["confidence"]["unit"] == "sentence" and data["confidence"]["n_resamples"] == 20
    assert data["provenance"]["extractor"] == "gold"  # the header's provenance, as benchmark has it
    assert data["provenance"]["scoring"]["predictions"]["file"] == str(oracle_file)
    assert set(data["provenance"]["scoring"]["gold"]["sha256"]) == {"d1", "d2"}


def test_table_markdown_errors_and_plots_come_out(flawed_file, tmp_path):
    table = invoke("score", "--pred", flawed_file, "--resamples", "20", "--errors")
    assert table.exit_code == 0, table.output
    assert "Mentions (micro)" in table.stdout and "Claim threshold sweep" in table.stdout
    assert "missed (1)" in table.stdout and "[[Kim Jong Un]]" in table.stdout
    assert "spurious (1)" in table.stdout and "<<to P>>" not in table.stdout
    assert "missed_claim (1)" in table.stdout
    md = invoke("score", "--pred", flawed_file, "--format", "markdown", "--resamples", "20",
                "--errors", "--plot", tmp_path / "plots")
    assert md.exit_code == 0, md.output
    assert md.stdout.startswith("### Mentions (micro)") and "### Errors" in md.stdout
    assert "[[Kim Jong Un]] met Sergei Lavrov" in md.stdout
    assert sorted(p.name for p in (tmp_path / "plots").iterdir()) == ["claims_sweep.png",
                                                                       "mentions_per_label.png"]
    as_json = json.loads(invoke("score", "--pred", flawed_file, "--format", "json", "--errors",
                                "--resamples", "0").stdout)
    assert [e["gold_text"] for e in as_json["errors"]["missed"]] == ["Kim Jong Un"]
    assert as_json["mentions"]["micro"]["strict"]["missed"] == 1
    assert as_json["confidence"]["intervals"] == {}


def test_out_writes_the_file_instead_of_stdout(flawed_file, tmp_path):
    out = tmp_path / "report" / "score.md"
    result = invoke("score", "--pred", flawed_file, "--format", "markdown", "--out", out, "--resamples", "0")
    assert result.exit_code == 0 and result.stdout == ""
    assert out.read_text().startswith("### Mentions (micro)")
    table_out = tmp_path / "score.txt"
    assert invoke("score", "--pred", flawed_file, "--out", table_out, "--resamples", "0").exit_code == 0
    assert "Mentions (micro)" in table_out.read_text() and "\x1b[" not in table_out.read_text()


def test_header_produces_decides_the_tasks(corpus_root, tmp_path):
    path = tmp_path / "ner.jsonl"
    write_predictions(path, [Prediction(doc_id=p.doc_id, mentions=p.mentions)
                             for p in _gold_predictions(corpus_root)],
                      PredictionsHeader(produces=["mentions"]))
    data = json.loads(invoke("score", "--pred", path, "--format", "json", "--resamples", "0").stdout)
    assert data["claims"] is None and "claims" in data["skipped"]
    assert data["mentions"]["micro"]["strict"]["f1"] == 1.0


def test_gold_jsonl_uses_corpus_texts_when_the_ids_match(corpus_root, oracle_file, flawed_file):
    data = json.loads(invoke("score", "--pred", flawed_file, "--gold", oracle_file, "--format",
                             "json", "--resamples", "10").stdout)
    assert data["confidence"]["unit"] == "sentence"  # texts came from the corpus
    assert data["claims"]["sentences"] is not None
    assert data["provenance"]["scoring"]["gold"]["file"] == str(oracle_file)


def test_gold_jsonl_with_unknown_documents_scores_without_texts(tmp_path, monkeypatch):
    monkeypatch.setenv("ECBENCH_CORPUS", str(tmp_path / "nowhere"))
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write_predictions(a, [gold_doc("x1"), gold_doc("x2")])
    write_predictions(b, [gold_doc("x1"), Prediction(doc_id="x3")])
    result = invoke("score", "--pred", b, "--gold", a, "--format", "json", "--resamples", "10", "--errors")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["confidence"]["unit"] == "document" and "unknown" in data["confidence"]["note"]
    assert data["documents"]["only_gold"] == ["x2"] and data["documents"]["only_pred"] == ["x3"]
    assert data["claims"]["sentences"] is None
    assert all(e["context"] is None for e in data["errors"]["missed"])


def test_labels_and_label_map_options(oracle_file):
    data = json.loads(invoke("score", "--pred", oracle_file, "--format", "json", "--resamples", "0",
                             "--label-map", "conll").stdout)
    assert set(data["mentions"]["per_label"]) == {"PER", "LOC"}
    data = json.loads(invoke("score", "--pred", oracle_file, "--format", "json", "--resamples", "0",
                             "--labels", "PERSON, GPE").stdout)
    assert set(data["mentions"]["per_label"]) == {"PERSON", "GPE"}
    assert data["settings"]["labels"] == ["PERSON", "GPE"]


def test_bad_inputs_fail_with_one_clear_line(corpus_root, oracle_file, tmp_path):
    one_line(invoke("score", "--pred", tmp_path / "missing.jsonl"), "missing.jsonl", "no such file")
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"doc_id": "d1", "mentions": []}\n{"doc_id": "d2", "mentions": [{"start": 0}]}\n')
    one_line(invoke("score", "--pred", broken), "broken.jsonl:2", "mentions")
    outside = tmp_path / "outside.jsonl"
    write_predictions(outside, [Prediction(doc_id="d2", mentions=[PredMention(start=50, end=500, label="GPE")])])
    one_line(invoke("score", "--pred", outside), "outside.jsonl", "doc_id d2", "mentions[0]", "500")
    one_line(invoke("score", "--pred", oracle_file, "--label-map", "nonsense"), "label map")
    one_line(invoke("score", "--pred", oracle_file, "--threshold", "0"), "threshold")
    (corpus_root / "seeds" / "d2.txt").write_text("changed")
    one_line(invoke("score", "--pred", oracle_file), "d2")


def test_agree_reports_f1_and_kappa(corpus_root, oracle_file, flawed_file):
    result = invoke("agree", oracle_file, flawed_file, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["mentions"]["strict"]["recall"] < 1.0 and 0 < data["kappa"] < 1
    same = json.loads(invoke("agree", corpus_root, oracle_file, "--format", "json").stdout)
    assert same["mentions"]["strict"]["f1"] == 1.0 and same["kappa"] == 1.0
    table = invoke("agree", corpus_root / "annotations" / "gold", flawed_file)
    assert table.exit_code == 0, table.output
    assert "mentions.strict.f1" in table.stdout and "kappa" in table.stdout
    md = invoke("agree", oracle_file, flawed_file, "--format", "markdown").stdout
    assert f"| kappa | {data['kappa']:.3f} |" in md
    one_line(invoke("agree", oracle_file, corpus_root / "nothing"), "nothing")


def test_a_repeated_mention_is_scored_as_spurious_with_a_warning(corpus_root, tmp_path):
    # the API scores a repeat as spurious; the command does the same, and says so on stderr
    from toolkit.problems import DuplicateMentionWarning
    from toolkit.scoring import score

    gold = _gold_predictions(corpus_root)
    again = gold[1].mentions[0].model_copy(update={"id": None})  # ids must stay unique
    repeated = [gold[0], gold[1].model_copy(update={"mentions": [*gold[1].mentions, again]})]
    path = tmp_path / "repeated.jsonl"
    write_predictions(path, repeated)
    result = invoke("score", "--pred", path, "--format", "json", "--resamples", "0")
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("warning: ") and "doc_id d2" in result.stderr
    assert "scored as spurious" in result.stderr and len(result.stderr.splitlines()) == 1
    data = json.loads(result.stdout)
    assert data["mentions"]["micro"]["strict"]["spurious"] == 1
    with pytest.warns(DuplicateMentionWarning, match="doc_id d2"):
        api = score(gold, repeated, produces=["mentions"], n_resamples=0)
    assert data["mentions"]["micro"] == api.mentions["micro"]


def test_min_overlap_option(corpus_root, tmp_path):
    # a prediction covering 2 of the 9 characters of "Pyongyang" (22%)
    gold = _gold_predictions(corpus_root)
    start = OTHER.index("Pyongyang")
    short = gold[1].model_copy(update={"mentions": [
        gold[1].mentions[0], PredMention(start=start, end=start + 2, label="GPE")]})
    path = tmp_path / "short.jsonl"
    write_predictions(path, [gold[0], short])
    partial = {}
    for percent in ("0", "22", "23"):
        result = invoke("score", "--pred", path, "--format", "json", "--resamples", "0",
                        "--min-overlap", percent)
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert data["settings"]["min_overlap"] == float(percent)
        partial[percent] = data["mentions"]["micro"]["partial"]["partial"]
    assert partial == {"0": 1, "22": 1, "23": 0}
    result = invoke("score", "--pred", path, "--min-overlap", "101")
    assert result.exit_code != 0 and "Traceback" not in result.output


def test_no_header_and_no_claims_is_warned_with_how_to_declare_produces(corpus_root, tmp_path):
    """Scored on every task, a mentions-only file without a header gets claims 0.000: said."""
    mentions_only = [p.model_copy(update={"claims": []}) for p in _gold_predictions(corpus_root)]
    bare = tmp_path / "bare.jsonl"
    bare.write_text("".join(p.model_dump_json() + "\n" for p in mentions_only), encoding="utf-8")
    res = invoke("score", "--pred", bare, "--format", "json", "--resamples", "0")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["claims"]["f1"] == 0.0
    assert (f"warning: {bare}: no header line and no claims, so claims are scored as all missed; "
            '''a system that does not extract claims says so on the first line: '''
            '''{"header": {"produces": ["mentions"]}}''') in res.stderr
    declared = tmp_path / "declared.jsonl"
    write_predictions(declared, mentions_only, PredictionsHeader(produces=["mentions"]))
    res = invoke("score", "--pred", declared, "--format", "json", "--resamples", "0")
    assert res.exit_code == 0 and "no header line" not in res.stderr
    assert json.loads(res.stdout)["claims"] is None
