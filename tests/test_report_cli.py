"""`ecbench report`: several predictions files on one page; bad input is one clear line."""

from __future__ import annotations

from pathlib import Path

from report_fixture import GOLD, PRED, TEXT, second_system
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.io.predictions import write_predictions
from toolkit.schema import PredictionsHeader

runner = CliRunner()


def _corpus(root: Path) -> Path:
    """The fixture document as a gold JSONL with its text known through a corpus folder."""
    import hashlib
    import json

    (root / "seeds").mkdir(parents=True)
    (root / "annotations" / "gold").mkdir(parents=True)
    (root / "seeds" / "doc-a.txt").write_text(TEXT, encoding="utf-8")
    gold = {"schema": "ecbench.gold/v1", "doc_id": "doc-a",
            "mentions": [{"id": f"m{i}", "start": m.start, "end": m.end, "label": m.label,
                          "text": TEXT[m.start:m.end], "entity": f"e{i}"}
                         for i, m in enumerate(GOLD.mentions)],
            "entities": [{"id": f"e{i}", "name": TEXT[m.start:m.end], "type": m.label}
                         for i, m in enumerate(GOLD.mentions)],
            "claims": []}
    (root / "annotations" / "gold" / "doc-a.json").write_text(json.dumps(gold), encoding="utf-8")
    manifest = {"schema": "ecbench.manifest/v1", "documents": [{
        "id": "doc-a", "sha256": hashlib.sha256(TEXT.encode()).hexdigest(), "language": "en",
        "split": "test", "source": "test fixture", "licence": "CC0-1.0"}]}
    (root / "annotations" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return root


def test_two_systems_on_one_page(tmp_path):
    corpus = _corpus(tmp_path / "corpus")
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    write_predictions(one, [PRED.model_copy(update={"claims": []})],
                      PredictionsHeader(produces=["mentions"], provenance={"extractor": "alpha"}))
    write_predictions(two, [second_system()], PredictionsHeader(produces=["mentions"]))
    out = tmp_path / "site" / "report.html"
    result = runner.invoke(app, ["report", "--pred", str(one), "--pred", str(two), "--gold",
                                 str(corpus), "--out", str(out), "--resamples", "0"])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    # names: the header's extractor, else the file's stem
    assert 'id="system-0-h">alpha<' in page and 'id="system-1-h">two<' in page
    assert page.count('data-show="') == 3  # alpha, two, compare all
    marks = lambda kind: page.count(f'class="k-{kind}" data-m=')  # noqa: E731 (not the legend)
    assert marks("spurious") == 1 and marks("wrong_both") == 2
    assert "claims: not scored" in page


def test_the_page_names_the_corpus_by_name_and_sha256_not_its_path(tmp_path):
    """A page people share says which texts it was scored on, not where they lie here."""
    from toolkit.io.corpus import corpus_sha256

    corpus = _corpus(tmp_path / "corpus")
    one = tmp_path / "one.jsonl"
    write_predictions(one, [PRED], PredictionsHeader(produces=["mentions"]))
    out = tmp_path / "report.html"
    args = ["report", "--pred", str(one), "--gold", str(corpus), "--out", str(out),
            "--resamples", "0"]
    assert runner.invoke(app, args).exit_code == 0
    page = out.read_text(encoding="utf-8")
    manifest = __import__("json").loads((corpus / "annotations/manifest.json").read_text())
    digest = corpus_sha256({d["id"]: d["sha256"] for d in manifest["documents"]})
    assert f"scored on corpus corpus (1 document, sha256 {digest[:12]})" in page
    assert str(tmp_path) not in page
    assert runner.invoke(app, [*args, "--show-paths"]).exit_code == 0
    assert f"at {corpus}" in out.read_text(encoding="utf-8")


def test_bad_predictions_are_one_line(tmp_path):
    corpus = _corpus(tmp_path / "corpus")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"doc_id": "doc-a", "mentions": [{"start": 5, "end": 2, "label": "X"}]}\n')
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", "--pred", str(bad), "--gold", str(corpus),
                                 "--out", str(out)])
    assert result.exit_code == 1
    assert "bad.jsonl" in result.output and "Traceback" not in result.output
    assert not out.exists()
