"""The Ray engine: extraction and scoring on a Ray cluster (``--engine ray [--address ADDR]``).

Nothing here is a scheduler: Ray Data runs the extractor (``map_batches`` with an actor class,
each actor building the extractor and calling ``setup()`` once, then passing each batch through
``extractors.isolation.extract_isolated``), Ray tasks run the scorer's own per-document stage over
document batches, and the small reduce (counts add) is the scorer's. Both give exactly what the
local engine gives: the same predictions in the same order, the same score report.

Failures keep their meaning: an extractor's stopping error comes back as its ``ExtractorError``;
an error raised by the scorer's stage in a worker is raised here as itself (a bad span's
``ValueError``, with the worker's message, as the local engine raises it). Ray that cannot run
(not installed, no cluster at ``address``, a worker lost for good) is one line: an
``ExtractorError`` when extracting, a ``ValueError`` when scoring.

Ray is an optional dependency (``pip install 'ecbench[ray]'``) and is imported only when this
engine runs. Without ``address`` a local Ray instance is started on this machine's cores (and
stopped at the end); with one, the run joins that cluster (``ray start --head`` prints it).
A worker process that dies is restarted and its batch retried, up to ``MAX_RETRIES`` times.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ..extractors.base import Extractor
from ..extractors.isolation import extract_isolated
from ..io.corpus import Document
from ..problems import ExtractorError
from ..runtime import import_extra
from ..schema import ManifestEntry, Prediction

#: How often Ray restarts a dead worker and retries its batch before the run fails (an
#: extractor that kills its process on some document would otherwise be retried forever).
MAX_RETRIES = 3


class RayEngine:
    """Ray, started here or joined at ``address``. ``score_batch_size``: documents per scoring
    task (default: enough batches for ``batches_per_cpu`` per CPU of the cluster)."""

    name = "ray"

    def __init__(self, *, address: str | None = None, score_batch_size: int | None = None,
                 batches_per_cpu: int = 4):
        self.address, self.score_batch_size = address, score_batch_size
        self.batches_per_cpu = batches_per_cpu

    def extract(self, extractor: Extractor, docs: Sequence[Document], *, batch_size: int,
                workers: int, advance: Callable[[list[Prediction]], None] = lambda batch: None
                ) -> list[Prediction]:
        """``extractor`` over ``docs`` in Ray actors: one Prediction per document, in input
        order; a document the extractor raises on is recorded as failed."""
        if not docs:
            return []
        with session(self.address, failure=ExtractorError) as ray:
            return _extract(ray, extractor, docs, batch_size, workers, advance)

    def score(self, stage: Callable, doc_ids: Sequence[str], gold_docs: Mapping,
              pred_docs: Mapping, texts: Mapping[str, str]) -> list[Any]:
        """The scorer's ``stage`` as Ray tasks over contiguous batches of ``doc_ids``; the
        batches' results in order."""
        with session(self.address, failure=ValueError) as ray:
            size = self.score_batch_size or max(1, -(-len(doc_ids) // (self.batches_per_cpu
                                                                        * _cpus(ray))))
            return _score(ray, stage, doc_ids, gold_docs, pred_docs, texts, size)


def _import_ray(failure: type[Exception]):
    return import_extra("ray", "--engine ray", failure=failure)


@contextmanager
def session(address: str | None = None, num_cpus: int | None = None, *,
            failure: type[Exception] = ExtractorError) -> Iterator[Any]:
    """Ray, initialised: joins ``address`` (a running cluster) or starts a local instance.
    A Ray already initialised by the caller (a notebook, a test) is used as is and left running.
    Ray missing or not starting is a ``failure`` (one line)."""
    ray = _import_ray(failure)
    if ray.is_initialized():
        yield ray
        return
    try:
        ray.init(address=address, num_cpus=num_cpus, include_dashboard=False,
                 logging_level=logging.WARNING, log_to_driver=False, configure_logging=True)
    except (ConnectionError, RuntimeError, ValueError) as e:
        where = f"the Ray cluster at {address}" if address else "a local Ray instance"
        raise failure(f"could not start or join {where}: {e}") from None
    try:
        yield ray
    finally:
        ray.shutdown()


def _cpus(ray) -> int:
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


def _raised_in_worker(error: BaseException) -> BaseException | None:
    """What a task or actor raised, out of Ray's wrapping (None: Ray itself failed)."""
    import ray.exceptions

    seen, e = set(), error
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if not isinstance(e, ray.exceptions.RayError):
            return e
        e = getattr(e, "cause", None) or e.__cause__
    return None


def _run_failed(error: BaseException, failure: type[Exception]) -> Exception:
    """One line for a Ray run that failed outside the work itself (a worker lost for good)."""
    first = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return failure(f"the Ray run failed: {type(error).__name__}: {first}")


# --- extraction ---------------------------------------------------------------------------------


class _ExtractActor:
    """One per worker: builds the extractor and sets it up once, then takes batches."""

    def __init__(self, cls: type[Extractor], settings: dict[str, Any]):
        self.extractor = cls(**settings)
        self.extractor.setup()

    def __call__(self, batch: dict) -> dict:
        docs = [Document(id=str(i), text=str(t), meta=ManifestEntry.model_validate_json(str(m)))
                for i, t, m in zip(batch["id"], batch["text"], batch["meta"])]
        try:
            predictions = extract_isolated(self.extractor, docs)
        except ExtractorError as e:
            # stops the run: sent back as data, since Ray's wrapping of a raised error loses it
            return {"prediction": [""] * len(docs), "stop": [str(e)] * len(docs)}
        return {"prediction": [p.model_dump_json(by_alias=True, exclude_none=True)
                               for p in predictions], "stop": [""] * len(docs)}


def _quiet_data_context():
    import ray.data

    ctx = ray.data.DataContext.get_current()
    ctx.execution_options.preserve_order = True  # output in input order, as the local engine
    ctx.enable_progress_bars = False  # the runner draws its own
    ctx.print_on_execution_start = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    return ctx


def _extract(ray, extractor: Extractor, docs: Sequence[Document], batch_size: int, workers: int,
             advance: Callable[[list[Prediction]], None]) -> list[Prediction]:
    _quiet_data_context()
    if workers > _cpus(ray):  # an actor needs a CPU: more actors than CPUs would wait forever
        raise ExtractorError(f"--workers: found {workers}, expected at most {_cpus(ray)} "
                             "(the CPUs of the Ray cluster)")
    rows = [{"id": d.id, "text": d.text, "meta": d.meta.model_dump_json()} for d in docs]
    with warnings.catch_warnings():  # retries have no named parameter yet (Ray 2.60)
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset = ray.data.from_items(rows).map_batches(
            _ExtractActor, fn_constructor_args=(type(extractor), dict(extractor.settings)),
            batch_size=batch_size, compute=ray.data.ActorPoolStrategy(size=workers), num_cpus=1,
            max_restarts=MAX_RETRIES, max_task_retries=MAX_RETRIES)
    predictions: list[Prediction] = []
    try:
        for batch in dataset.iter_batches(batch_size=None, batch_format="numpy"):
            stop = next((str(m) for m in batch["stop"] if m), None)
            if stop:
                raise ExtractorError(stop)
            chunk = [Prediction.model_validate_json(str(p)) for p in batch["prediction"]]
            predictions += chunk
            advance(chunk)
    except (KeyboardInterrupt, ExtractorError):
        raise
    except Exception as e:  # Ray wraps what a worker raised
        raised = _raised_in_worker(e)
        if isinstance(raised, ExtractorError):
            raise ExtractorError(str(raised)) from None
        raise _run_failed(e, ExtractorError) from None
    if [p.doc_id for p in predictions] != [d.id for d in docs]:  # preserve_order is a promise: check it
        raise ExtractorError("the Ray run returned predictions out of order or incomplete")
    return predictions


# --- scoring ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Raised:
    """An exception the stage raised in a worker, sent back as data: Ray re-raises a task's
    exception by calling its class with ``args``, which fails for one whose constructor takes
    other arguments (``InputError(file, message)``), and the scorer's error would be lost."""

    kind: type[BaseException]
    args: tuple
    state: dict

    def rebuilt(self) -> BaseException:
        error = self.kind.__new__(self.kind)
        error.args = self.args
        error.__dict__.update(self.state)
        return error


def _run_stage(stage, gold: dict, pred: dict, doc_ids, texts):
    """The scorer's stage in a worker, on one batch of documents (records as the reader made
    them: msgspec structs from the fast reader, or Prediction models)."""
    try:
        return stage(gold, pred, doc_ids, texts)
    except Exception as e:
        return _Raised(type(e), e.args, dict(vars(e)))


def _score(ray, stage: Callable, doc_ids: Sequence[str], gold_docs: Mapping, pred_docs: Mapping,
           texts: Mapping[str, str], size: int) -> list[Any]:
    task = ray.remote(num_cpus=1, max_retries=MAX_RETRIES)(_run_stage)
    stage_ref = ray.put(stage)
    refs = []
    for start in range(0, len(doc_ids), size):
        ids = doc_ids[start:start + size]
        refs.append(task.remote(
            stage_ref, {d: gold_docs[d] for d in ids if d in gold_docs},
            {d: pred_docs[d] for d in ids if d in pred_docs}, ids,
            {d: texts[d] for d in ids if d in texts}))
    try:
        results = ray.get(refs)
    except KeyboardInterrupt:
        raise
    except Exception as e:  # not the stage's error (that comes back as data): Ray's own
        raise _run_failed(e, ValueError) from None
    raised = next((r for r in results if isinstance(r, _Raised)), None)
    if raised is not None:  # the first batch's error, as the local engine raises it
        raise raised.rebuilt()
    return results
