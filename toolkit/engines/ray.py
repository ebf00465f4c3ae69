"""The Ray engine: extraction and scoring on a Ray cluster (``--engine ray [--address ADDR]``).

Nothing here is a scheduler: Ray Data runs the extractor (``map_batches`` with an actor class,
each actor building the extractor and calling ``setup()`` once), Ray tasks run the scorer's own
per-document function over document batches, and the small reduce (counts add) happens here.
Both give exactly what the local engine gives: the same predictions in the same order, the same
score report.

Ray is an optional dependency (``pip install 'ecbench[ray]'``) and is imported only when this
engine runs. Without ``--address`` a local Ray instance is started on this machine's cores (and
stopped at the end); with one, the run joins that cluster (``ray start --head`` prints it).
A worker process that dies is restarted and its batch retried, up to ``MAX_RETRIES`` times.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ..extractors.base import Extractor
from ..io.corpus import Document
from ..problems import ExtractorError
from ..schema import ManifestEntry, Prediction

#: How often Ray restarts a dead worker and retries its batch before the run fails (an
#: extractor that kills its process on some document would otherwise be retried forever).
MAX_RETRIES = 3


def _import_ray():
    try:
        import ray
    except ImportError:
        raise ExtractorError("--engine ray needs Ray: pip install 'ecbench[ray]'") from None
    return ray


@contextmanager
def session(address: str | None = None, num_cpus: int | None = None) -> Iterator[Any]:
    """Ray, initialised: joins ``address`` (a running cluster) or starts a local instance.
    A Ray already initialised by the caller (a notebook, a test) is used as is and left running."""
    ray = _import_ray()
    if ray.is_initialized():
        yield ray
        return
    try:
        ray.init(address=address, num_cpus=num_cpus, include_dashboard=False,
                 logging_level=logging.WARNING, log_to_driver=False, configure_logging=True)
    except (ConnectionError, RuntimeError, ValueError) as e:
        where = f"the Ray cluster at {address}" if address else "a local Ray instance"
        raise ExtractorError(f"could not start or join {where}: {e}") from None
    try:
        yield ray
    finally:
        ray.shutdown()


def _quiet_data_context():
    import ray.data

    ctx = ray.data.DataContext.get_current()
    ctx.execution_options.preserve_order = True  # output in input order, as the local engine
    ctx.enable_progress_bars = False  # the runner draws its own
    ctx.print_on_execution_start = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    return ctx


def _failure(error: BaseException, keep: tuple[type[Exception], ...] = (ExtractorError,)
             ) -> Exception:
    """One line for a failed Ray run: an error of a ``keep`` type raised in a worker comes back
    as itself (Ray wraps it), anything else as an ExtractorError naming it."""
    seen, e = set(), error
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if isinstance(e, keep) and not isinstance(e, ray_exceptions()):
            return type(e)(*e.args) if isinstance(e, ValueError) else ExtractorError(str(e))
        e = getattr(e, "cause", None) or e.__cause__
    first = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return ExtractorError(f"the Ray run failed: {type(error).__name__}: {first}")


def ray_exceptions() -> tuple[type, ...]:
    import ray.exceptions

    return (ray.exceptions.RayError,)


# --- extraction ---------------------------------------------------------------------------------


class _ExtractActor:
    """One per worker: builds the extractor and sets it up once, then takes batches."""

    def __init__(self, cls: type[Extractor], settings: dict[str, Any]):
        self.extractor = cls(**settings)
        self.extractor.setup()

    def __call__(self, batch: dict) -> dict:
        from ..extractors.runner import extract_isolated

        docs = [Document(id=str(i), text=str(t), meta=ManifestEntry.model_validate_json(str(m)))
                for i, t, m in zip(batch["id"], batch["text"], batch["meta"])]
        try:
            predictions = extract_isolated(self.extractor, docs)
        except ExtractorError as e:
            # stops the run: sent back as data, since Ray's wrapping of a raised error loses it
            return {"prediction": [""] * len(docs), "stop": [str(e)] * len(docs)}
        return {"prediction": [p.model_dump_json(by_alias=True, exclude_none=True)
                               for p in predictions], "stop": [""] * len(docs)}


def extract(extractor: Extractor, docs: Sequence[Document], *, batch_size: int, workers: int,
            advance: Callable[[int], None] = lambda n: None, address: str | None = None
            ) -> list[Prediction]:
    """``extractor`` over ``docs`` on Ray: one Prediction per document, in input order; a
    document the extractor raises on is recorded as failed (``runner.extract_isolated``)."""
    if not docs:
        return []
    with session(address) as ray:
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
                advance(len(chunk))
        except (KeyboardInterrupt, ExtractorError):
            raise
        except Exception as e:  # Ray wraps what a worker raised
            raise _failure(e) from None
    if [p.doc_id for p in predictions] != [d.id for d in docs]:  # preserve_order is a promise: check it
        raise ExtractorError("the Ray run returned predictions out of order or incomplete")
    return predictions


# --- scoring ------------------------------------------------------------------------------------


def _run_stage(stage, gold: dict, pred: dict, doc_ids, texts):
    """The scorer's stage in a worker, on one batch of documents (records as the reader made
    them: msgspec structs from the fast reader, or Prediction models)."""
    return stage(gold, pred, doc_ids, texts)


def score_engine(*, address: str | None = None, batches_per_cpu: int = 4,
                 batch_size: int | None = None):
    """An ``engine`` for ``toolkit.scoring.score``: the scorer's per-document stage
    (``score_documents``) runs as Ray tasks over contiguous batches of documents (``batch_size``,
    default: enough batches for ``batches_per_cpu`` per CPU of the cluster); the scorer combines
    the batches' results (``scoring.combine``: counts add, per-document results concatenate)."""

    def engine(stage, doc_ids, gold_docs, pred_docs, texts):
        with session(address) as ray:
            size = batch_size or max(1, -(-len(doc_ids) // (batches_per_cpu * _cpus(ray))))
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
                return ray.get(refs)
            except (KeyboardInterrupt, ExtractorError):
                raise
            except Exception as e:  # a bad span raises ValueError in the worker: the same message here
                raise _failure(e, keep=(ExtractorError, ValueError)) from None

    return engine


def _cpus(ray) -> int:
    return max(1, int(ray.cluster_resources().get("CPU", 1)))
