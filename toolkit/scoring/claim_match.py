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

from collections.abc import Mapping, Sequence
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

    def prepare(self, gold: Mapping[str, Sequence[PredClaim]],
                pred: Mapping[str, Sequence[PredClaim]]) -> None:
        """Give the matcher, in one call, every text ``similarity_matrix`` will ask about for
        these documents (gold, then predicted, in the order given), and no other: a pair whose
        claims both have spans is compared by span, so its texts are not embedded."""
        texts = [t for d, claims in gold.items() for t in compared_texts(claims, pred.get(d, ()))[0]]
        texts += [t for d, claims in pred.items() for t in compared_texts(gold.get(d, ()), claims)[1]]
        self.matcher.prepare(texts)


def _refs(claim: PredClaim) -> list[str]:
    return [t for t in (claim.statement, claim.span.text if claim.span else None) if t]


def compared_texts(gold: Sequence[PredClaim], pred: Sequence[PredClaim]) -> tuple[list[str], list[str]]:
    """The texts ``similarity_matrix`` gives the matcher for one document: the gold references
    (statement, span text) and the predicted texts of the claims in at least one pair without
    spans on both sides."""
    if not gold or not pred:
        return [], []
    gold_spanless = any(g.span is None for g in gold)
    pred_spanless = any(p.span is None for p in pred)
    refs = [t for g in gold if g.span is None or pred_spanless for t in _refs(g)]
    texts = [t for p in pred if p.span is None or gold_spanless if (t := _pred_text(p))]
    return refs, texts


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
        refs = _refs(g)
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
