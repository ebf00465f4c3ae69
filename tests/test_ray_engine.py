"""The Ray engine gives the local engine's output: extraction over 1,000+ generated documents
(also when a worker dies mid-run) and the score report. One local Ray (2 CPUs) for the module."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from extras import require
from typer.testing import CliRunner

from toolkit import engines
from toolkit.cli import app
from toolkit.extractors.runner import run
from toolkit.io.corpus import Document
from toolkit.io.documents import open_documents
from toolkit.io.predictions import read_predictions
from toolkit.schema import ManifestEntry

require("ray", "ray")
HERE = Path(__file__).parent
WORDS = ["Kim", "met", "Lavrov", "in", "Wonsan", "on", "Saturday", "the", "agency", "said", "Moscow",
         "and", "Pyongyang", "signed", "a", "treaty"]


@pytest.fixture(scope="module")
def ray_session():
    import ray

    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR", log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": str(HERE)}})  # workers import ray_extractors
    yield ray
    ray.shutdown()


def generated_texts(n: int, seed: int = 0) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 25))) + "."
        if i % 97 == 13:
            text += " BOOM"  # the extractor raises on these: recorded failures, as locally
        out.append((f"doc{i:05d}", text))
    return out


def as_documents(pairs) -> list[Document]:
    meta = dict(sha256="0" * 64, language="en", split="test", source="generated", licence="CC0")
    return [Document(id=i, text=t, meta=ManifestEntry(id=i, **meta)) for i, t in pairs]


def test_extraction_equals_the_local_engine(ray_session):
    from ray_extractors import CapsNER

    docs = as_documents(generated_texts(1200))
    local = run(CapsNER(), docs, batch_size=16, progress=False)
    on_ray = run(CapsNER(), docs, batch_size=16, workers=2, progress=False, engine="ray")
    assert len(on_ray.predictions) == 1200
    assert on_ray.predictions == local.predictions  # same records, same order
    assert on_ray.failures == local.failures
    assert sorted(local.failures) == [i for i, t in generated_texts(1200) if "BOOM" in t]
    assert on_ray.header.provenance["engine"] == "ray"


def test_a_killed_worker_does_not_lose_the_run(ray_session, tmp_path):
    from ray_extractors import CapsNER, DiesOnce

    docs = as_documents(generated_texts(1000, seed=1))
    marker = tmp_path / "died"
    result = run(DiesOnce(marker=str(marker)), docs, batch_size=50, workers=2, progress=False,
                 engine="ray")
    assert marker.exists()  # a worker did die (os._exit) on its first batch
    assert result.predictions == run(CapsNER(), docs, batch_size=50, progress=False).predictions


def test_a_stopping_error_in_a_worker_is_one_line(ray_session):
    from ray_extractors import CapsNER, StopsTheRun

    from toolkit.problems import ExtractorError

    docs = as_documents(generated_texts(20))
    with pytest.raises(ExtractorError, match="^the endpoint went away$"):
        run(StopsTheRun(), docs, workers=2, progress=False, engine="ray")
    with pytest.raises(ExtractorError, match="--workers: found 3, expected at most 2"):
        run(CapsNER(), docs, workers=3, progress=False, engine="ray")


def test_extract_command_on_ray_writes_the_local_file(ray_session, tmp_path):
    source = tmp_path / "docs.jsonl"
    source.write_text("".join(json.dumps({"id": i, "text": t}) + "\n"
                              for i, t in generated_texts(300, seed=2)), encoding="utf-8")
    outs = {}
    for engine in ("local", "ray"):
        outs[engine] = tmp_path / f"{engine}.jsonl"
        result = CliRunner().invoke(app, [
            "extract", "-e", "ray_extractors:CapsNER", "--docs", str(source), "--engine", engine,
            "--workers", "2", "--out", str(outs[engine]), "--no-progress"])
        assert result.exit_code == 2, result.output  # the BOOM documents, named
        assert "doc00013" in result.output
    header, preds = read_predictions(outs["ray"])
    assert preds == read_predictions(outs["local"])[1]
    assert [p.doc_id for p in preds] == [d.id for d in open_documents(source)]
    assert header.provenance["engine"] == "ray" and header.provenance["documents_source"]["kind"] == "jsonl"


# --- scoring ------------------------------------------------------------------------------------


def test_scoring_on_ray_equals_the_local_engine(ray_session):
    from scoring_data import generated

    from toolkit.scoring import score

    gold, pred, texts = generated(1500, seed=7)
    local = score(gold, pred, texts, n_resamples=300)
    on_ray = score(gold, pred, texts, n_resamples=300,
                   engine=engines.get("ray", score_batch_size=200).score)
    assert on_ray.to_dict() == local.to_dict()
    n_docs = len({p.doc_id for p in gold} | {p.doc_id for p in pred})
    assert local.confidence["unit"] == "document" and local.confidence["n_units"] == n_docs > 1000
    assert on_ray.details.mentions.matches == local.details.mentions.matches


def test_score_command_on_ray_writes_the_local_report(ray_session, tmp_path):
    from scoring_data import generated

    from toolkit.io.predictions import write_predictions

    gold, pred, _ = generated(400, seed=8)
    write_predictions(tmp_path / "gold.jsonl", gold)
    write_predictions(tmp_path / "pred.jsonl", pred)
    reports = {}
    for engine in ("local", "ray"):
        reports[engine] = tmp_path / f"{engine}.json"
        result = CliRunner().invoke(app, [
            "score", "--pred", str(tmp_path / "pred.jsonl"), "--gold", str(tmp_path / "gold.jsonl"),
            "--format", "json", "--resamples", "200", "--min-overlap", "50", "--errors",
            "--engine", engine, "--out", str(reports[engine])])
        assert result.exit_code == 0, result.output
    assert reports["ray"].read_text() == reports["local"].read_text()
    found = json.loads(reports["ray"].read_text())
    assert found["documents"]["pred"] == len(pred) and found["settings"]["min_overlap"] == 50
    assert found["errors"]  # the error report reads the matches the workers sent back


def test_a_bad_span_on_ray_is_the_local_error(ray_session):
    from toolkit.engines import get  # the score command's way in: the same engine
    from toolkit.schema import Prediction, PredMention
    from toolkit.scoring import score

    gold = [Prediction(doc_id=f"d{i:02d}") for i in range(40)]
    pred = [Prediction(doc_id="d07", mentions=[PredMention(start=0, end=3, label="X")])]
    pred[0].mentions[0].__dict__["end"] = 0  # past validation: the scorer's own check must catch it
    with pytest.raises(ValueError) as local:
        score(gold, pred, n_resamples=10)
    with pytest.raises(ValueError) as on_ray:
        score(gold, pred, n_resamples=10, engine=get("ray", score_batch_size=8).score)
    assert str(on_ray.value) == str(local.value) and "d07" in str(local.value)


def test_an_error_the_stage_raises_in_a_worker_is_raised_as_itself(ray_session):
    """Not an ExtractorError: the scorer's own error, with the worker's message, as locally."""
    from ray_extractors import refusing_stage

    from toolkit.problems import ExtractorError, InputError

    ids = [f"d{i:02d}" for i in range(12)]
    with pytest.raises(InputError) as local:
        engines.get("local").score(refusing_stage, ids, {}, {}, {})
    with pytest.raises(InputError) as on_ray:
        engines.get("ray", score_batch_size=4).score(refusing_stage, ids, {}, {}, {})
    assert str(on_ray.value) == str(local.value) == "gold.jsonl:3: mentions: found d00, expected a span"
    assert not isinstance(on_ray.value, ExtractorError)
    with pytest.raises(KeyError, match="d05"):  # a bug in a stage is not dressed up either
        engines.get("ray", score_batch_size=4).score(refusing_stage, ["d05"], {}, {}, {})
