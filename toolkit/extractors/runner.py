"""Run an extractor over documents: set-up, an engine running the batches, provenance, progress.

The engine (``toolkit.engines.get``: ``local``, this process or ``--workers`` processes, or
``ray``) passes each batch through ``isolation.extract_isolated``: a document on which the
extractor raises is recorded (a Prediction with ``error`` set, which scores as empty) and the
run goes on. ``ExtractorError`` (a missing model, no endpoint) and KeyboardInterrupt stop the
run; nothing is written here, so an interrupted run leaves no output (the caller writes the
file atomically afterwards).

>>> from toolkit.extractors.oracle import EmptyExtractor
>>> run(EmptyExtractor(), [], progress=False).failures
{}
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .. import __version__, engines
from ..io.corpus import Document
from ..io.documents import open_documents
from ..problems import ExtractorError
from ..schema import Prediction, PredictionsHeader
from .base import Extractor


@dataclass(frozen=True)
class RunResult:
    predictions: list[Prediction]  # one per document, in input order
    failures: dict[str, str]  # doc_id -> error, for documents the extractor raised on
    header: PredictionsHeader
    notes: list[str] = field(default_factory=list)  # e.g. "workers reduced to 1"


def run(extractor: Extractor, docs: Sequence[Document], *, batch_size: int = 32, workers: int = 1,
        progress: bool = True, now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        engine: str = "local", address: str | None = None) -> RunResult:
    """Run ``extractor`` over ``docs``; see the module docstring for what happens on errors.
    ``engine`` names the engine that runs the batches (``toolkit.engines.get``; ``address``
    joins a Ray cluster), with the same output whichever it is."""
    if batch_size < 1 or workers < 1:
        raise ValueError(f"batch_size and workers must be at least 1 (found {batch_size}, {workers})")
    runs_on = engines.get(engine, **({"address": address} if address is not None else {}))
    notes = []
    if workers > 1 and not extractor.parallel_safe:
        notes.append(f"extractor {extractor.name!r} is not declared parallel_safe; running with 1 worker")
        workers = 1
    started, clock = now(), time.perf_counter()
    _setup(extractor)  # fails fast with a clear message; timed apart from extraction
    setup_s = time.perf_counter() - clock
    clock = time.perf_counter()
    docs = list(docs)
    with _progress(progress, len(docs), extractor.name) as advance:
        predictions = runs_on.extract(extractor, docs, batch_size=batch_size, workers=workers,
                                      advance=advance)
    wall = time.perf_counter() - clock
    failures = {p.doc_id: p.error for p in predictions if p.error is not None}
    provenance = {
        **extractor.provenance(),
        "toolkit_version": __version__,
        "corpus": {d.id: d.meta.sha256 for d in docs},
        "started_at": started.isoformat(timespec="seconds"),
        "setup_time_s": round(setup_s, 4),
        "wall_time_s": round(wall, 4),
        "docs_per_second": round(len(docs) / wall, 2) if wall > 0 else None,
        "documents": len(docs),
        "failed_documents": sorted(failures),
        "batch_size": batch_size,
        "workers": workers,
        "engine": engine,
    }
    header = PredictionsHeader(produces=sorted(extractor.produces), provenance=provenance)
    return RunResult(predictions, failures, header, notes)


def _setup(extractor: Extractor) -> None:
    """``extractor.setup()``; a failure is one ``ExtractorError`` line naming the extractor."""
    try:
        extractor.setup()
    except KeyboardInterrupt:
        raise
    except ExtractorError as e:
        if extractor.name and extractor.name in str(e):
            raise
        raise ExtractorError(f"extractor {extractor.name!r}: setup() failed: {e}") from None
    except Exception as e:  # third-party code: any exception, told in one line
        raise ExtractorError(f"extractor {extractor.name!r}: setup() failed: "
                             f"{type(e).__name__}: {e}") from None


class _progress:
    """A rich progress bar (on stderr) when asked; ``advance(n)`` either way."""

    def __init__(self, enabled: bool, total: int, label: str):
        self.enabled, self.total, self.label = enabled, total, label

    def __enter__(self) -> Callable[[int], None]:
        if not self.enabled:
            return lambda n: None
        from rich.console import Console
        from rich.progress import Progress

        self.bar = Progress(console=Console(stderr=True), transient=True)
        self.bar.start()
        task = self.bar.add_task(f"{self.label}", total=self.total)
        return lambda n: self.bar.advance(task, n)

    def __exit__(self, *exc) -> None:
        if self.enabled:
            self.bar.stop()


# --- documents from a plain folder of .txt files (no manifest) ---------------------------------


def documents_from_folder(folder: str | Path, *, language: str = "en") -> list[Document]:
    """Every ``*.txt`` in ``folder`` (sorted) as a Document with no gold; id = file stem.
    Kept for callers of the old API: ``toolkit.io.documents.open_documents`` reads every source."""
    docs = list(open_documents(folder, language=language))
    if not docs:
        raise ExtractorError(f"{folder}: no documents found")
    return docs
