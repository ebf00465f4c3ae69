"""One batch of documents through an extractor, with failures isolated to their documents: the
per-batch function every engine runs (``engines.local`` in this process or its workers,
``engines.ray`` in Ray actors), so each gives the same predictions.

A document the extractor raises on is recorded (a Prediction with ``error`` set and no mentions
or claims, which scores as empty); ``ExtractorError`` (a missing model, no endpoint) and
KeyboardInterrupt stop the run.

>>> from toolkit.extractors.oracle import EmptyExtractor
>>> extract_isolated(EmptyExtractor(), [])
[]
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ..io.corpus import Document
from ..problems import ExtractorError
from ..schema import Prediction
from .base import Extractor


def batches(docs: Sequence[Document], size: int) -> Iterator[Sequence[Document]]:
    """``docs`` in consecutive slices of at most ``size``."""
    for i in range(0, len(docs), size):
        yield docs[i:i + size]


def extract_isolated(extractor: Extractor, batch: Sequence[Document]) -> list[Prediction]:
    """``extractor.extract(batch)``; if it raises, each document is retried alone so only the
    culprits are recorded as failed."""
    try:
        return _checked(extractor.extract(batch), batch)
    except (ExtractorError, KeyboardInterrupt):
        raise
    except Exception as e:
        if len(batch) == 1:
            return [failed(batch[0].id, e)]
    return [extract_isolated(extractor, [doc])[0] for doc in batch]


def failed(doc_id: str, error: BaseException | str) -> Prediction:
    """The Prediction recording that the extractor failed on ``doc_id``."""
    message = error if isinstance(error, str) else f"{type(error).__name__}: {error}".rstrip(": ")
    return Prediction(doc_id=doc_id, error=message)


def _checked(predictions: Any, batch: Sequence[Document]) -> list[Prediction]:
    """Predictions in the batch's order; a document the extractor skipped is a recorded failure."""
    if not isinstance(predictions, list) or not all(isinstance(p, Prediction) for p in predictions):
        raise TypeError(f"extract() returned {type(predictions).__name__}, expected list[Prediction]")
    by_id = {p.doc_id: p for p in predictions}
    return [by_id.get(d.id) or failed(d.id, "extract() returned no prediction for this document")
            for d in batch]
