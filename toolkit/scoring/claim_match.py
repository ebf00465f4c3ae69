"""The claim similarity matrix of one document: a matcher's similarity of each predicted claim
to each gold claim, passed through the fact-consistency gate.

- Both claims have a span: character IoU of the spans (both point at the document's own text,
  so there is no fact to change and no matcher to ask), put on the matcher's scale
  (``iou_on_scale``): IoU 0.5, the span convention, lands on the matcher's default threshold,
  so a span-based system is not judged by a threshold chosen for another similarity.
- Otherwise: the matcher's similarity of the predicted statement (or span text) to the gold
  statement and to the gold span text, the larger of the two among the references the gate
  lets through; a reference the gate refuses counts 0, and the reason is kept for the error
  report.

The gate's key entities for a gold claim are the names of the entities its ``entities`` list
(looked up in ``entity_names``: entity id -> names, from the gold mentions).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..schema import PredClaim
from .gate import refusal
from .matchers.base import ClaimMatcher


@dataclass
class ClaimMatching:
    """How predicted claims are compared with gold ones: a matcher, and whether the gate runs."""

    matcher: ClaimMatcher
    gate: bool = True
    #: document id -> entity id -> names (the gate's key entities)
    entity_names: Mapping[str, Mapping[str, Sequence[str]]] = field(default_factory=dict)

    def describe(self) -> dict:
        return {**self.matcher.describe(), "gate": self.gate}

    def prepare(self, claims: Iterable[PredClaim]) -> None:
        self.matcher.prepare(t for c in claims for t in _texts(c))


def _texts(claim: PredClaim) -> list[str]:
    return [t for t in (claim.statement, claim.span.text if claim.span else None) if t]


def _pred_text(claim: PredClaim) -> str:
    # a span-only prediction compared with a statement-only gold claim falls back to its span text
    return claim.statement or (claim.span.text if claim.span and claim.span.text else "")


SPAN_IOU_THRESHOLD = 0.5  # the span convention (claims.DEFAULT_THRESHOLD): half the union shared


def iou_on_scale(iou: float, threshold: float) -> float:
    """Span IoU mapped piecewise linearly onto a matcher's scale: 0 -> 0, 0.5 -> ``threshold``,
    1 -> 1 (monotone, so the assignment and the sweep keep their order; the identity at 0.5).

    >>> iou_on_scale(0.5, 0.7), iou_on_scale(1.0, 0.7), iou_on_scale(0.6, 0.5)
    (0.7, 1.0, 0.6)
    """
    if iou <= SPAN_IOU_THRESHOLD:
        return iou * threshold / SPAN_IOU_THRESHOLD
    return threshold + (iou - SPAN_IOU_THRESHOLD) * (1 - threshold) / (1 - SPAN_IOU_THRESHOLD)


def key_entities(claim: PredClaim, names: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """Names of the entities a gold claim lists (entities without known names are skipped)."""
    return [list(names[e]) for e in (claim.entities or ()) if names.get(e)]


def similarity_matrix(gold: Sequence[PredClaim], pred: Sequence[PredClaim], matching: ClaimMatching,
                      doc_id: str = "") -> tuple[np.ndarray, dict[tuple[int, int], tuple[float, str]]]:
    """``(matrix, refused)``: similarities (gold rows x predicted columns) after the gate, and
    for each refused pair ``(i, j)`` its similarity before the gate and the gate's reason."""
    from .claims import span_iou

    matrix = np.zeros((len(gold), len(pred)))
    names = matching.entity_names.get(doc_id, {})
    scale = matching.matcher.default_threshold
    # every (i, j, predicted text, reference) to ask the matcher about, in one batch
    asks: list[tuple[int, int, str, str]] = []
    for i, g in enumerate(gold):
        refs = [r for r in (g.statement, g.span.text if g.span else None) if r]
        for j, p in enumerate(pred):
            if p.span is not None and g.span is not None:
                iou = span_iou((g.span.start, g.span.end), (p.span.start, p.span.end))
                matrix[i, j] = iou if scale == SPAN_IOU_THRESHOLD else iou_on_scale(iou, scale)
            else:
                asks += [(i, j, _pred_text(p), r) for r in refs]
    refused: dict[tuple[int, int], tuple[float, str]] = {}
    if not asks:
        return matrix, refused
    sims = matching.matcher.similarity([(p, r) for _, _, p, r in asks])
    keys = {i: key_entities(g, names) for i, g in enumerate(gold)} if matching.gate else {}
    for (i, j, p, r), sim in zip(asks, sims):
        sim = float(sim)
        if matching.gate and sim > 0:
            reason = refusal(p, r, keys[i])
            if reason is not None:
                if sim > refused.get((i, j), (-1.0, ""))[0]:
                    refused[(i, j)] = (sim, reason)
                continue
        matrix[i, j] = max(matrix[i, j], sim)
    # a pair is refused only if no reference got through
    refused = {ij: v for ij, v in refused.items() if matrix[ij] == 0}
    return matrix, refused
