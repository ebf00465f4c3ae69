"""What the reader tests share: a ``FormatRead`` in the prediction shape the scorer takes, made
by the framework's converter (``io.annotations.annotation_set_of``), and the strict figures."""

from __future__ import annotations

import msgspec

from toolkit.io.annotations import annotation_set_of


def as_predictions(read, ids=None) -> tuple[list, dict[str, str]]:
    """The documents of ``read`` as predictions, and their texts; ``ids``: the ids to give
    them in order (a positional source paired with the other side by order)."""
    annotations = annotation_set_of(read, entities=False)
    predictions = list(annotations.predictions)
    texts = annotations.texts
    if ids is not None:
        predictions = [msgspec.structs.replace(p, doc_id=doc_id)
                       for p, doc_id in zip(predictions, ids, strict=True)]
        texts = {doc_id: d.text for doc_id, d in zip(ids, read.documents, strict=True)}
    return predictions, texts


def strict(report) -> dict:
    """The strict micro figures and the per-label strict P/R/F of a report."""
    mentions = report.mentions
    return {"micro": {k: mentions["micro"]["strict"][k] for k in ("precision", "recall", "f1")},
            "per_label": {label: {k: scores["strict"][k] for k in ("precision", "recall", "f1")}
                          for label, scores in mentions["per_label"].items()}}
