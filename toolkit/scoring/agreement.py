"""Inter-annotator agreement between two annotation sets in the predictions shape.

Agreement is F1 with one set as the reference (F1 is symmetric, so which one does not change
it), using the same one-to-one matching as the scorer, plus Cohen's kappa over token labels.

Token labels: the text is split with spaCy's blank English tokenizer (rule-based, no model);
whitespace tokens are left out; a token takes the label of a mention it overlaps (the longest
one when mentions nest) and ``"O"`` outside every mention.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from functools import lru_cache

import numpy as np

from ..schema import Prediction
from ..text import blank_english
from .claims import claimant_alignment, entity_alignment, score_claims
from .mentions import MentionSpan, score_mentions
from .prf import f1_of
from .schemes import SCHEMES
from .similarity import token_f1
from .stage import by_document

OUTSIDE = "O"


@lru_cache(maxsize=1024)
def token_bounds(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Start and end character offsets of the non-whitespace tokens of ``text``."""
    tokens = [t for t in blank_english().tokenizer(text) if not t.is_space]
    starts = np.array([t.idx for t in tokens], dtype=np.int64)
    ends = np.array([t.idx + len(t) for t in tokens], dtype=np.int64)
    return starts, ends


def token_labels(mentions: Sequence[MentionSpan], text: str) -> list[str]:
    """One label per token of ``text``: the overlapping mention's label, else ``"O"``.

    >>> token_labels([MentionSpan(0, 11, "PERSON")], "Kim Jong Un spoke.")
    ['PERSON', 'PERSON', 'PERSON', 'O', 'O']
    """
    starts, ends = token_bounds(text)
    labels = np.full(len(starts), OUTSIDE, dtype=object)
    # longest last, so it wins where mentions nest or overlap
    for m in sorted(mentions, key=lambda m: (m.end - m.start, m.start)):
        first = np.searchsorted(ends, m.start, side="right")  # first token ending after start
        stop = np.searchsorted(starts, m.end, side="left")    # tokens starting before end
        labels[first:stop] = m.label
    return labels.tolist()


def _check_mentions(doc_id: str, side: str, mentions: Sequence[MentionSpan], text: str) -> None:
    for i, m in enumerate(mentions):
        if not 0 <= m.start < m.end <= len(text):
            raise ValueError(f"document {doc_id!r}, annotation {side} mention {i}: field "
                             f"start/end: found {m.start}-{m.end}, expected 0 <= start < end <= "
                             f"{len(text)} (the text length)")


def cohen_kappa_tokens(a: Mapping[str, Sequence[MentionSpan]], b: Mapping[str, Sequence[MentionSpan]],
                       texts: Mapping[str, str]) -> float:
    """Cohen's kappa (``cohen_kappa``) of the token labels of two annotations over all
    documents. 1.0 when the label sequences are identical (the formula gives NaN when both use
    one label only, e.g. no mentions at all, which is still perfect agreement)."""
    labels_a: list[str] = []
    labels_b: list[str] = []
    for doc_id in sorted(set(a) | set(b)):
        if doc_id not in texts:
            raise ValueError(f"texts: no text for document {doc_id!r}, needed for token labels")
        text = texts[doc_id]
        for side, annotation, labels in (("A", a, labels_a), ("B", b, labels_b)):
            mentions = annotation.get(doc_id, ())
            _check_mentions(doc_id, side, mentions, text)
            labels += token_labels(mentions, text)
    if labels_a == labels_b:
        return 1.0
    return cohen_kappa(labels_a, labels_b)


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float:
    """Cohen's kappa of two label sequences of one length: 1 - observed / chance disagreement,
    from their confusion matrix over the labels either uses (scikit-learn's
    ``cohen_kappa_score``, unweighted, is the tests' oracle: the same operations in the same
    order).

    >>> cohen_kappa(["A", "A", "B", "B"], ["A", "B", "B", "B"])
    0.5
    """
    labels, codes = np.unique(np.asarray([*a, *b], dtype=object).astype(str), return_inverse=True)
    n = len(labels)
    confusion = np.zeros((n, n), dtype=np.int64)
    np.add.at(confusion, (codes[:len(a)], codes[len(a):]), 1)
    sum0, sum1 = confusion.sum(axis=0), confusion.sum(axis=1)
    expected = np.outer(sum0, sum1) / np.sum(sum0)
    disagree = np.ones((n, n), dtype=int)
    disagree.flat[::n + 1] = 0
    return float(1 - np.sum(disagree * confusion) / np.sum(disagree * expected))


def _spans(records: Mapping[str, Prediction]) -> dict[str, list[MentionSpan]]:
    return {d: MentionSpan.all_of(r.mentions) for d, r in records.items()}


def _prf(score) -> dict:
    return {"precision": score.precision, "recall": score.recall, "f1": score.f1}


def _matched_claim_agreement(pairs, by_a: Mapping[str, Prediction],
                             by_b: Mapping[str, Prediction]) -> dict:
    """On matched claim pairs: mean token F1 of the statements, share of identical cues, mean
    Jaccard of the claims' entity sets (B's ids translated to A's through the mentions)."""
    statement_f1, same_cue, jaccard = [], [], []
    for pair in pairs:
        ca = by_a[pair.doc_id].claims[pair.gold]
        cb = by_b[pair.doc_id].claims[pair.pred]
        if ca.statement and cb.statement:
            statement_f1.append(token_f1(cb.statement, ca.statement))
        cue_a = (ca.cue.start, ca.cue.end) if ca.cue else None
        cue_b = (cb.cue.start, cb.cue.end) if cb.cue else None
        same_cue.append(cue_a == cue_b)
        if ca.entities is not None and cb.entities is not None:
            ids = entity_alignment(by_a[pair.doc_id].mentions, by_b[pair.doc_id].mentions)
            ea, eb = set(ca.entities), {ids.get(e, e) for e in cb.entities}
            jaccard.append(len(ea & eb) / len(ea | eb) if ea | eb else 1.0)

    def mean(values):
        return sum(values) / len(values) if values else None

    return {"statement_token_f1": mean(statement_f1), "cue_agreement": mean(same_cue),
            "entities_jaccard": mean(jaccard)}


def _entity_agreement(spans_a, spans_b) -> dict:
    """Entity-level agreement, symmetric: recall is the share of A's entities that B finds,
    precision the share of B's entities that A finds (the scorer's entity level counts found
    *gold* entities against unmatched *predicted* ones, which is not symmetric)."""
    a_found = score_mentions(spans_a, spans_b).entities
    b_found = score_mentions(spans_b, spans_a).entities
    precision, recall = b_found.recall, a_found.recall
    return {"precision": precision, "recall": recall, "f1": f1_of(precision, recall)}


def agreement(a: Sequence[Prediction], b: Sequence[Prediction],
              texts: Mapping[str, str] | None = None,
              produces: Collection[str] = ("mentions", "claims")) -> dict:
    """Agreement of annotation sets ``a`` and ``b`` (``a`` as reference), JSON-ready.

    Without ``texts`` there is no kappa and no sentence-level claim agreement (``None``).
    A task missing from ``produces`` (what both sets annotated) is not scored: ``None``, with
    the reason under ``skipped``.
    """
    by_a, by_b = by_document(a, "annotation A"), by_document(b, "annotation B")
    spans_a, spans_b = _spans(by_a), _spans(by_b)
    mentions = score_mentions(spans_a, spans_b)
    skipped = {task: "not scored (not annotated in both sets)"
               for task in ("mentions", "claims") if task not in produces}
    # B's entity ids mean nothing to A: translate them through mentions with equal boundaries
    aligned = {d: claimant_alignment(by_a[d].mentions, r.mentions, r.claims)
               for d, r in by_b.items() if d in by_a}
    claims = score_claims({d: r.claims for d, r in by_a.items()},
                          {d: r.claims for d, r in by_b.items()}, texts, entity_alignment=aligned)
    return {
        "documents": {"a": len(by_a), "b": len(by_b), "both": len(by_a.keys() & by_b.keys()),
                      "only_a": sorted(by_a.keys() - by_b.keys()),
                      "only_b": sorted(by_b.keys() - by_a.keys())},
        "mentions": None if "mentions" in skipped else
        {scheme: _prf(mentions.micro[scheme]) for scheme in SCHEMES},
        "entities": None if "mentions" in skipped else _entity_agreement(spans_a, spans_b),
        "claims": None if "claims" in skipped else {
            **_prf(claims.counts),
            "threshold": claims.threshold,
            "claimant_agreement": claims.claimant_accuracy,
            "type_agreement": claims.type_accuracy,
            "checkworthy_agreement": claims.checkworthy_accuracy,
            "attribute_support": dict(claims.attribute_support),
            "joint": _prf(claims.joint),
            "sentences": _prf(claims.sentences) if claims.sentences is not None else None,
            **_matched_claim_agreement(claims.pairs, by_a, by_b),
        },
        "kappa": cohen_kappa_tokens(spans_a, spans_b, texts)
        if texts is not None and "mentions" not in skipped else None,
        "skipped": skipped,
    }
