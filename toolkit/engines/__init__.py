"""RUN: where the toolkit's per-document work runs, behind one way in, ``get(name)``.

``local`` (``engines.local``) is this process, or a pool of ``--workers`` processes; ``ray``
(``engines.ray``, the only module that imports Ray) spreads the same work over a Ray cluster or
this machine's cores. Every engine runs the same functions, so every engine gives the same
output:

- ``engine.extract(extractor, docs, batch_size=, workers=, advance=)``: one Prediction per
  document, in input order, each batch through ``extractors.isolation.extract_isolated``;
- ``engine.score(stage, doc_ids, gold_docs, pred_docs, texts)``: the scorer's per-document
  ``stage`` over contiguous batches of ``doc_ids``, a list of the batches' results in order
  (what ``toolkit.scoring.score(engine=)`` takes; the scorer combines them).

>>> get("local").name
'local'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ..extractors.base import Extractor
    from ..io.corpus import Document
    from ..schema import Prediction

ENGINES = ("local", "ray")


class Engine(Protocol):
    """What ``get`` returns (``local.LocalEngine``, ``ray.RayEngine``)."""

    name: str

    def extract(self, extractor: Extractor, docs: Sequence[Document], *, batch_size: int,
                workers: int, advance: Callable[[int], None] = ...) -> list[Prediction]: ...

    def score(self, stage: Callable, doc_ids: Sequence[str], gold_docs: Mapping,
              pred_docs: Mapping, texts: Mapping[str, str]) -> list[Any]: ...


def get(name: str, *, address: str | None = None, **options: Any) -> Engine:
    """The engine called ``name``. ``address`` (ray only) joins a running Ray cluster;
    ``options`` go to the engine (``ray.RayEngine``: ``score_batch_size``, ``batches_per_cpu``).
    Ray is imported only when a ray engine runs."""
    # the engines' modules here, not at the top: `ecbench score` checks an engine's name
    # (ENGINES) at every start, and the local engine's process pool and the extractors' base
    # cost a tenth of that start
    from .local import LocalEngine
    from .ray import RayEngine  # imports Ray only when it runs

    if name == "local":
        if address is not None or options:
            shown = ", ".join(["address", *options] if address is not None else options)
            raise ValueError(f"engine 'local': found {shown}, expected no options (they are "
                             "for the ray engine)")
        return LocalEngine()
    if name == "ray":
        return RayEngine(address=address, **options)
    raise ValueError(f"engine: found {name!r}, expected 'local' or 'ray'")
