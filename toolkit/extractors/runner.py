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
from ..io.predictions import read_predictions
from ..problems import ExtractorError, InputError, show
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
        engine: str = "local", address: str | None = None,
        on_batch: Callable[[list[Prediction]], None] | None = None) -> RunResult:
    """Run ``extractor`` over ``docs``; see the module docstring for what happens on errors.
    ``engine`` names the engine that runs the batches (``toolkit.engines.get``; ``address``
    joins a Ray cluster), with the same output whichever it is. ``on_batch`` is given each
    batch's predictions as it completes (``extract`` writes them to its progress file)."""
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
        def batch_done(batch: list[Prediction]) -> None:
            advance(len(batch))
            if on_batch is not None:
                on_batch(batch)

        predictions = runs_on.extract(extractor, docs, batch_size=batch_size, workers=workers,
                                      advance=batch_done)
    wall = time.perf_counter() - clock
    failures = {p.doc_id: p.error for p in predictions if p.error is not None}
    provenance = {
        **run_header(extractor, docs).provenance,
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


def run_header(extractor: Extractor, docs: Sequence[Document]) -> PredictionsHeader:
    """What a run's header records before it starts: the extractor (name, version, settings),
    the toolkit's version and each document's text sha256 (``provenance.corpus``); ``run``
    adds the timings and failures."""
    return PredictionsHeader(produces=sorted(extractor.produces), provenance={
        **extractor.provenance(),
        "toolkit_version": __version__,
        "corpus": {d.id: d.meta.sha256 for d in docs},
    })


#: what must be the same in an earlier run's header for ``--resume`` to keep its predictions
RESUMED_PROVENANCE = ("extractor", "version", "settings")


def resumable(path: Path, extractor: Extractor, docs: Sequence[Document]
              ) -> tuple[dict[str, Prediction], list[Document]]:
    """``(the predictions of an earlier run's file at path that still stand, by document id;
    the documents left to extract)``: what ``extract --resume`` continues from.

    The file's header must record the same extractor, version and settings as ``extractor``
    (``RESUMED_PROVENANCE``); a kept prediction's document must be among ``docs`` with the
    text it was extracted from: the header's ``provenance.corpus`` records each document's
    text sha256, and it must equal the document's now (no new field: the header has always
    recorded it). A prediction whose extraction failed (``error``) is extracted again. Any
    mismatch is one ``InputError`` line: nothing is kept that another run could have made.
    """
    header, predictions = read_predictions(path)
    if header is None:
        raise InputError(path, "found no header line, expected the predictions file of an "
                               "earlier `ecbench extract` (its header records the extractor, its "
                               "settings and each document's text sha256)")
    earlier, now = header.provenance, extractor.provenance()
    for key in RESUMED_PROVENANCE:
        if earlier.get(key) != now.get(key):
            raise InputError(path, f"found {show(earlier.get(key))}, expected "
                             f"{show(now.get(key))} (this run's); --resume continues only a run "
                             "of the same extractor with the same settings", field=f"header: {key}")
    hashes = earlier.get("corpus") or {}
    current = {d.id: d for d in docs}
    done: dict[str, Prediction] = {}
    for prediction in predictions:
        if prediction.error is not None:
            continue  # failed before: extracted again
        document = current.get(prediction.doc_id)
        if document is None:
            raise InputError(path, f"found {show(prediction.doc_id)}, expected one of the "
                             "documents being extracted (--resume continues a run over the "
                             "same documents)", field="doc_id")
        if hashes.get(prediction.doc_id) != document.meta.sha256:
            raise InputError(path, f"document {prediction.doc_id}: text sha256: found "
                             f"{document.meta.sha256} now, expected "
                             f"{hashes.get(prediction.doc_id)} (the text it was extracted from); "
                             "the text changed: extract again without --resume")
        done[prediction.doc_id] = prediction
    return done, [d for d in docs if d.id not in done]


def resumed(result: RunResult, done: dict[str, Prediction], docs: Sequence[Document],
            path: Path) -> RunResult:
    """``result`` (the run over what ``resumable`` left) with the kept predictions, in the
    documents' order, under a header covering every document."""
    new = {p.doc_id: p for p in result.predictions}
    predictions = [done.get(d.id) or new[d.id] for d in docs]
    provenance = {**result.header.provenance,
                  "corpus": {d.id: d.meta.sha256 for d in docs}, "documents": len(docs),
                  "resumed": {"from": str(path), "documents_kept": len(done)}}
    header = result.header.model_copy(update={"provenance": provenance})
    return RunResult(predictions, result.failures, header, result.notes)


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
