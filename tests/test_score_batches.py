"""Scoring documents in batches and combining the counts (what an engine does) gives exactly
the report of scoring them at once: the contract the Ray engine relies on."""

from __future__ import annotations

import pytest
from scoring_data import generated

from toolkit.scoring import ScoreOptions, Stage, combine, score


def batched(size):
    def engine(stage, doc_ids, gold_docs, pred_docs, texts):
        parts = []
        for i in range(0, len(doc_ids), size):
            ids = doc_ids[i:i + size]
            parts.append(stage({d: gold_docs[d] for d in ids if d in gold_docs},
                               {d: pred_docs[d] for d in ids if d in pred_docs}, ids,
                               {d: texts[d] for d in ids if d in texts}))
        return parts
    return engine


@pytest.mark.parametrize("n_docs, size, kwargs", [
    (300, 7, {}),
    (300, 64, {"label_map": {"GPE": "LOC", "DATE": None}, "threshold": 0.3}),
    (120, 1, {"labels": ["PERSON", "ORG"]}),
    (12, 5, {}),  # under 30 documents: sentence units
    (200, 33, {"min_overlap": 50, "labels": ["PERSON", "GPE", "ORG"]}),
    (150, 16, {"error_details": False}),
    (90, 10, {"claim_match": "token", "gate": False}),
])
def test_batches_give_the_same_report(n_docs, size, kwargs):
    gold, pred, texts = generated(n_docs, seed=n_docs + size)
    once = score(gold, pred, texts, n_resamples=200, **kwargs)
    in_batches = score(gold, pred, texts, n_resamples=200, engine=batched(size), **kwargs)
    assert in_batches.to_dict() == once.to_dict()
    assert once.claims["tp"] > 0 and once.mentions["micro"]["strict"]["correct"] > 0
    details, other = once.details, in_batches.details
    assert details.mentions.matches == other.mentions.matches  # the error report reads these
    assert details.claims.pairs == other.claims.pairs


def test_without_texts_and_one_task():
    gold, pred, _ = generated(80, seed=5)
    once = score(gold, pred, produces=["claims"], n_resamples=50)
    assert score(gold, pred, produces=["claims"], n_resamples=50,
                 engine=batched(9)).to_dict() == once.to_dict()
    assert once.mentions is None and once.claims["sentences"] is None


def test_stage_of_every_document_is_the_whole():
    gold, pred, texts = generated(40, seed=3)
    gold_docs = {p.doc_id: p for p in gold}
    pred_docs = {p.doc_id: p for p in pred}
    ids = sorted(set(gold_docs) | set(pred_docs))
    stage = Stage(ScoreOptions(), threshold=0.5, claim_texts=True, sentence_units=True)
    whole = stage(gold_docs, pred_docs, ids, texts)
    one_by_one = combine([stage({d: gold_docs[d]} if d in gold_docs else {},
                                {d: pred_docs[d]} if d in pred_docs else {}, [d],
                                {d: texts[d]}) for d in ids])
    assert one_by_one.mentions == whole.mentions and one_by_one.alignment == whole.alignment
    assert one_by_one.claims == whole.claims
    assert whole.mentions.doc_ids == ids and list(whole.mentions.sentence_codes) == ids
