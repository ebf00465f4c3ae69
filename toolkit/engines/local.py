"""The local engine: the work runs in this process, or (extraction with ``workers`` > 1) in a
pool of worker processes that each build the extractor once and take batches.

A worker that dies ends the run with one ``ExtractorError`` line; Ctrl-C stops the workers
at once (not after their current batch).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from ..extractors.base import Extractor
from ..extractors.isolation import batches, extract_isolated
from ..io.corpus import Document
from ..problems import ExtractorError
from ..schema import Prediction


class LocalEngine:
    """This process (and, for extraction, its worker processes)."""

    name = "local"

    def extract(self, extractor: Extractor, docs: Sequence[Document], *, batch_size: int,
                workers: int, advance: Callable[[list[Prediction]], None] = lambda batch: None
                ) -> list[Prediction]:
        """One Prediction per document, in input order, ``batch_size`` documents per
        ``extract()`` call; ``advance(predictions)`` after each batch, with its predictions."""
        chunks = list(batches(docs, batch_size))
        if workers > 1:
            results = _run_parallel(extractor, chunks, workers, advance)
        else:
            results = []
            for chunk in chunks:
                results.append(extract_isolated(extractor, chunk))
                advance(results[-1])
        return [p for chunk in results for p in chunk]

    def score(self, stage: Callable, doc_ids: Sequence[str], gold_docs: Mapping,
              pred_docs: Mapping, texts: Mapping[str, str]) -> list[Any]:
        """The scorer's ``stage`` over all the documents at once: one batch."""
        return [stage(gold_docs, pred_docs, doc_ids, texts)]


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
            advance(results[i])
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
