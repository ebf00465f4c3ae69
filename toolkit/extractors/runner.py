"""Run an extractor over documents: batches, worker processes, provenance, failure isolation.

A document on which the extractor raises is recorded (a Prediction with ``error`` set and no
mentions or claims, which scores as empty) and the run goes on. ``ExtractorError`` (a missing
model, no endpoint) and KeyboardInterrupt stop the run; nothing is written here, so an
interrupted run leaves no output (the caller writes the file atomically afterwards).

>>> from toolkit.extractors.oracle import EmptyExtractor
>>> run(EmptyExtractor(), [], progress=False).failures
{}
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .. import __version__
from ..io.corpus import Document
from ..problems import ExtractorError
from ..schema import Prediction, PredictionsHeader
from .base import Extractor


@dataclass(frozen=True)
class RunResult:
    predictions: list[Prediction]  # one per document, in input order
    failures: dict[str, str]  # doc_id -> error, for documents the extractor raised on
    header: PredictionsHeader
    notes: list[str] = field(default_factory=list)  # e.g. "workers reduced to 1"


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
    message = error if isinstance(error, str) else f"{type(error).__name__}: {error}".rstrip(": ")
    return Prediction(doc_id=doc_id, error=message)


def _checked(predictions: Any, batch: Sequence[Document]) -> list[Prediction]:
    """Predictions in the batch's order; a document the extractor skipped is a recorded failure."""
    if not isinstance(predictions, list) or not all(isinstance(p, Prediction) for p in predictions):
        raise TypeError(f"extract() returned {type(predictions).__name__}, expected list[Prediction]")
    by_id = {p.doc_id: p for p in predictions}
    return [by_id.get(d.id) or failed(d.id, "extract() returned no prediction for this document")
            for d in batch]


def run(extractor: Extractor, docs: Sequence[Document], *, batch_size: int = 32, workers: int = 1,
        progress: bool = True, now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        engine: str = "local", address: str | None = None) -> RunResult:
    """Run ``extractor`` over ``docs``; see the module docstring for what happens on errors.
    ``engine="ray"`` runs the batches on Ray (``toolkit.engines.ray``; ``address`` joins a
    cluster), with the same output."""
    if batch_size < 1 or workers < 1:
        raise ValueError(f"batch_size and workers must be at least 1 (found {batch_size}, {workers})")
    from ..engines import ENGINES

    if engine not in ENGINES:
        raise ValueError(f"engine: found {engine!r}, expected 'local' or 'ray'")
    notes = []
    if workers > 1 and not extractor.parallel_safe:
        notes.append(f"extractor {extractor.name!r} is not declared parallel_safe; running with 1 worker")
        workers = 1
    started, clock = now(), time.perf_counter()
    _setup(extractor)  # fails fast with a clear message; timed apart from extraction
    setup_s = time.perf_counter() - clock
    clock = time.perf_counter()
    docs = list(docs)
    chunks = list(batches(docs, batch_size))
    with _progress(progress, len(docs), extractor.name) as advance:
        if engine == "ray":
            from ..engines import ray as ray_engine

            results = [ray_engine.extract(extractor, docs, batch_size=batch_size, workers=workers,
                                          advance=advance, address=address)]
        elif workers == 1:
            results = []
            for chunk in chunks:
                results.append(extract_isolated(extractor, chunk))
                advance(len(chunk))
        else:
            results = _run_parallel(extractor, chunks, workers, advance)
    wall = time.perf_counter() - clock
    predictions = [p for chunk in results for p in chunk]
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


# --- worker processes: each builds its own extractor once, then takes batches ----------------

_worker_extractor: Extractor | None = None


def _init_worker(cls: type[Extractor], settings: dict[str, Any]) -> None:
    global _worker_extractor
    # Ctrl-C reaches the whole process group; the parent alone handles it (and stops the
    # workers), so a worker never prints a KeyboardInterrupt traceback of its own
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_extractor = cls(**settings)
    _worker_extractor.setup()


def _work(batch: Sequence[Document]) -> list[Prediction]:
    assert _worker_extractor is not None
    return extract_isolated(_worker_extractor, batch)


def _run_parallel(extractor: Extractor, chunks, workers: int, advance) -> list[list[Prediction]]:
    results: list[list[Prediction] | None] = [None] * len(chunks)
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_worker,
                               initargs=(type(extractor), dict(extractor.settings)))
    try:
        futures = {pool.submit(_work, chunk): i for i, chunk in enumerate(chunks)}
        for future in as_completed(futures):
            i = futures[future]
            results[i] = future.result()
            advance(len(chunks[i]))
    except BrokenProcessPool as e:
        _stop(pool)
        raise ExtractorError(f"a worker process died ({e}); rerun with --workers 1 to see why") from None
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown(wait=True)
    return results  # type: ignore[return-value]


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop the workers now, not after their current batch. A second Ctrl-C (a terminal sends
    one to every process of the group, ``timeout -s INT`` one more to the parent) is ignored
    while the pool shuts down, so it cannot interrupt the shutdown into a traceback or a hang."""
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if in_main else None
    try:
        pool.shutdown(wait=False, cancel_futures=True)
        # the executor has no public way to stop a running task; terminate its processes
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        pool.shutdown(wait=True)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


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
    from ..io.documents import open_documents

    docs = list(open_documents(folder, language=language))
    if not docs:
        raise ExtractorError(f"{folder}: no documents found")
    return docs
