"""One way to an engine (``toolkit.engines.get``), and the local engine's contract: the same
predictions as a plain loop over the batches, and a scoring stage run as one batch. (Ray's
engine against the local one: test_ray_engine.py.)"""

from __future__ import annotations

import sys

import pytest
from scoring_data import generated

from toolkit import engines
from toolkit.engines.local import LocalEngine
from toolkit.engines.ray import RayEngine
from toolkit.extractors.isolation import extract_isolated
from toolkit.extractors.oracle import EmptyExtractor
from toolkit.io.corpus import Document
from toolkit.problems import ExtractorError
from toolkit.schema import ManifestEntry
from toolkit.scoring import score


def test_get_names_each_engine_and_refuses_others():
    assert isinstance(engines.get("local"), LocalEngine)
    ray = engines.get("ray", address="auto", score_batch_size=10)
    assert isinstance(ray, RayEngine) and (ray.address, ray.score_batch_size) == ("auto", 10)
    assert [engines.get(name).name for name in engines.ENGINES] == list(engines.ENGINES)
    with pytest.raises(ValueError, match=r"^engine: found 'spark', expected 'local' or 'ray'$"):
        engines.get("spark")
    with pytest.raises(ValueError, match="engine 'local': found address"):
        engines.get("local", address="auto")  # never ignored silently


def documents(n: int) -> list[Document]:
    meta = {"sha256": "0" * 64, "language": "en", "split": "test", "source": "s", "licence": "CC0"}
    return [Document(id=f"d{i}", text="x", meta=ManifestEntry(id=f"d{i}", **meta))
            for i in range(n)]


def test_local_extraction_is_the_batches_in_order():
    docs = documents(7)
    seen = []
    found = engines.get("local").extract(EmptyExtractor(), docs, batch_size=3, workers=1,
                                         advance=seen.append)
    assert [p.doc_id for p in found] == [d.id for d in docs]
    assert found == extract_isolated(EmptyExtractor(), docs)
    assert [len(batch) for batch in seen] == [3, 3, 1]


def test_local_scoring_engine_gives_the_report_of_no_engine():
    gold, pred, texts = generated(60, seed=11)
    alone = score(gold, pred, texts, n_resamples=50, claim_match="token")
    local = score(gold, pred, texts, n_resamples=50, claim_match="token",
                  engine=engines.get("local").score)
    assert local.to_dict() == alone.to_dict()


def test_ray_missing_is_one_line_of_the_right_kind(monkeypatch):
    """Without Ray, extraction fails as an extractor run does, scoring as scoring does."""
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError
    engine = engines.get("ray")
    with pytest.raises(ExtractorError, match=r"needs Ray: pip install 'ecbench\[ray\]'"):
        engine.extract(EmptyExtractor(), documents(1), batch_size=1, workers=1)
    with pytest.raises(ValueError, match=r"needs Ray: pip install 'ecbench\[ray\]'") as caught:
        engine.score(lambda *a: None, ["d"], {}, {}, {})
    assert not isinstance(caught.value, ExtractorError)
