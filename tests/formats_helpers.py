"""What the reader tests share: a ``FormatRead`` in the prediction shape the scorer takes (a
test-only stand-in for the framework's converters, io.formats on branch formats-core)."""

from __future__ import annotations

from toolkit.schema import Prediction, PredMention


def as_predictions(read, ids=None) -> tuple[list[Prediction], dict[str, str]]:
    """The documents of ``read`` as predictions, and their texts; ``ids``: the ids to give
    them in order (a positional source paired with the other side by order)."""
    predictions, texts = [], {}
    for k, document in enumerate(read.documents):
        doc_id = ids[k] if ids is not None else document.id
        mentions = [PredMention(start=m.start, end=m.end, label=m.label,
                                text=document.text[m.start:m.end]) for m in document.mentions]
        predictions.append(Prediction(doc_id=doc_id, mentions=mentions,
                                      claims=list(document.claims)))
        texts[doc_id] = document.text
    return predictions, texts


def strict(report) -> dict:
    """The strict micro figures and the per-label strict P/R/F of a report."""
    mentions = report.mentions
    return {"micro": {k: mentions["micro"]["strict"][k] for k in ("precision", "recall", "f1")},
            "per_label": {label: {k: scores["strict"][k] for k in ("precision", "recall", "f1")}
                          for label, scores in mentions["per_label"].items()}}
