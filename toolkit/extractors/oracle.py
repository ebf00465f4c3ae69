"""Sanity-check extractors for the scorer: ``gold`` returns the gold (scores 1.0 everywhere),
``empty`` returns nothing (recall 0)."""

from __future__ import annotations

from collections.abc import Sequence

from ..io.corpus import Document
from ..schema import Prediction
from .base import Extractor


class GoldExtractor(Extractor):
    name = "gold"
    version = "1"
    description = "Oracle: returns each document's gold annotations (must score 1.0)."
    produces = frozenset({"mentions", "claims"})
    parallel_safe = True

    def extract(self, docs: Sequence[Document]) -> list[Prediction]:
        out = []
        for doc in docs:
            if doc.gold is None:
                raise ValueError(f"document {doc.id!r} has no gold annotations to return")
            # a corpus's gold, or a user's gold source already in prediction shape
            # (``benchmark.BenchmarkGold.of_annotations``)
            gold = doc.gold
            out.append(gold if isinstance(gold, Prediction) else gold.as_prediction())
        return out


class EmptyExtractor(Extractor):
    name = "empty"
    version = "1"
    description = "Baseline floor: predicts nothing (recall 0)."
    produces = frozenset({"mentions", "claims"})
    parallel_safe = True

    def extract(self, docs: Sequence[Document]) -> list[Prediction]:
        return [Prediction(doc_id=doc.id) for doc in docs]
