"""The span-table scorer (``scoring.table``) against ``score_mentions`` itself: every count,
per label, confusion, macro, per document and entity level, on random documents with
overlaps, repeats, entity ids, label maps and minimum overlaps (the table path must never
change a figure)."""

from __future__ import annotations

import random

import pytest

from toolkit.io.spantable import SpanTable, Vocab
from toolkit.scoring.labels import relabel
from toolkit.scoring.mentions import MentionSpan, score_mentions
from toolkit.scoring.schemes import scheme_arrays
from toolkit.scoring.table import duplicate_message, score_tables

LABELS = ("PER", "ORG", "LOC", "GPE")


def random_docs(rng: random.Random, n_docs: int, crowded: bool):
    gold, pred = {}, {}
    for d in range(n_docs):
        doc = f"d{d:03d}"
        g, p = [], []
        cursor = 0
        for _ in range(rng.randint(0, 12)):
            start = cursor + rng.randint(0 if crowded else 5, 12)
            end = start + rng.randint(1, 9)
            entity = rng.choice([None, None, f"e{rng.randint(0, 4)}"])
            g.append(MentionSpan(start, end, rng.choice(LABELS), entity))
            cursor = start if crowded and rng.random() < 0.3 else end
            roll = rng.random()
            if roll < 0.5:
                p.append(MentionSpan(start, end, g[-1].label, rng.choice([None, f"p{d % 3}"])))
            elif roll < 0.7:
                s = max(0, start + rng.randint(-3, 3))
                p.append(MentionSpan(s, max(s + 1, end + rng.randint(-3, 3)),
                                     rng.choice(LABELS)))
            if rng.random() < 0.15:
                p.append(p[-1] if p and rng.random() < 0.5 else
                         MentionSpan(end + 1, end + rng.randint(2, 5), rng.choice(LABELS)))
        rng.shuffle(p)
        if rng.random() > 0.05:
            gold[doc] = g
        if rng.random() > 0.05:
            pred[doc] = p
    return gold, pred


@pytest.mark.parametrize("seed", range(12))
def test_table_scores_equal_score_mentions(seed):
    rng = random.Random(seed)
    gold, pred = random_docs(rng, 40, crowded=seed % 2 == 1)
    min_overlap = [0.0, 1.0, 50.0, 51.0, 75.0, 100.0][seed % 6]
    label_map = {"GPE": "LOC", "ORG": None} if seed % 3 == 0 else None
    labels = ["PER", "LOC"] if seed % 4 == 1 else None
    vocab = Vocab()
    table = score_tables(SpanTable.of(gold, vocab), SpanTable.of(pred, vocab), vocab,
                         label_map=label_map, labels=labels, min_overlap=min_overlap)
    ids = sorted(set(gold) | set(pred))
    result = score_mentions(
        {d: relabel(gold.get(d, []), label_map=label_map, labels=labels) for d in ids},
        {d: relabel(pred.get(d, []), label_map=label_map, labels=labels) for d in ids},
        min_overlap=min_overlap, keep_matches=False)
    assert table.doc_ids == ids
    assert table.micro == result.micro
    assert table.per_label == result.per_label
    assert table.macro == result.macro
    assert table.confusion == result.confusion
    assert table.entities == result.entities
    assert result.doc_ids == ids
    assert table.codes.tolist() == result.codes.tolist()
    assert table.entity_counts.tolist() == result.entity_counts.tolist()
    assert table == result  # one result type: every field, the count matrices included
    for scheme, counts in scheme_arrays(table.codes).items():  # the schemes' code matrices
        assert counts.tolist() == [list(result.per_doc[d][scheme].as_tuple()) for d in ids]


def test_duplicate_message_is_duplicate_mentions():
    from types import SimpleNamespace

    from toolkit.checks import duplicate_mentions

    docs = {"a": [(0, 3, "PER"), (5, 9, "ORG")],
            "b": [(5, 9, "ORG"), (0, 3, "PER"), (5, 9, "ORG"), (5, 9, "ORG")],
            "c": [(1, 2, "LOC"), (1, 2, "LOC")]}
    vocab = Vocab()
    records = [SimpleNamespace(doc_id=d, mentions=[SimpleNamespace(start=s, end=e, label=lb)
                                                   for s, e, lb in spans])
               for d, spans in docs.items()]
    found = duplicate_mentions(records)
    assert duplicate_message(SpanTable.of(docs, vocab), vocab) == (found[0], len(found))
    assert duplicate_message(SpanTable.of({"a": docs["a"]}, vocab), vocab) is None


def test_offsets_too_large_for_one_sort_key():
    # 40 documents whose offsets pass 2**57: (document, start) no longer fits one int64 key
    gold, pred = random_docs(random.Random(3), 40, crowded=True)
    shift = 2**57

    def far(docs):
        return {d: [s._replace(start=s.start + shift, end=s.end + shift) for s in spans]
                for d, spans in docs.items()}

    gold, pred = far(gold), far(pred)
    vocab = Vocab()
    table = score_tables(SpanTable.of(gold, vocab), SpanTable.of(pred, vocab), vocab,
                         min_overlap=50.0)
    ids = sorted(set(gold) | set(pred))
    result = score_mentions({d: gold.get(d, []) for d in ids}, {d: pred.get(d, []) for d in ids},
                            min_overlap=50.0, keep_matches=False)
    assert (table.micro, table.per_label, table.confusion, table.entities) == \
        (result.micro, result.per_label, result.confusion, result.entities)
    assert table.codes.tolist() == result.codes.tolist()
    from types import SimpleNamespace

    from toolkit.checks import duplicate_mentions

    records = [SimpleNamespace(doc_id=d, mentions=spans) for d, spans in pred.items()]
    found = duplicate_mentions(records)
    assert duplicate_message(SpanTable.of(pred, vocab), vocab) == \
        ((found[0], len(found)) if found else None)


@pytest.mark.parametrize("produces, n_docs", [(["mentions"], 45), (["mentions", "claims"], 45),
                                              (["mentions"], 12)])
def test_score_on_tables_is_score_on_records(produces, n_docs):
    """``score()`` takes span tables the way it takes records: the same report (no texts, so
    documents are resampled even below 30 of them, with the same note)."""
    import warnings

    from toolkit.schema import Prediction, PredMention
    from toolkit.scoring import score

    gold, pred = random_docs(random.Random(n_docs), n_docs, crowded=True)
    vocab = Vocab()

    def records(docs):
        return [Prediction(doc_id=d, mentions=[PredMention(start=s.start, end=s.end, label=s.label,
                                                           entity=s.entity) for s in spans])
                for d, spans in docs.items()]

    options = {"produces": produces, "n_resamples": 200, "claim_match": "token",
               "error_details": False, "min_overlap": 30.0, "label_map": {"GPE": "LOC"}}
    with warnings.catch_warnings(record=True) as from_tables:
        warnings.simplefilter("always")
        tables = score(SpanTable.of(gold, vocab), SpanTable.of(pred, vocab), vocab=vocab,
                       **options)
    with warnings.catch_warnings(record=True) as from_records:
        warnings.simplefilter("always")
        usual = score(records(gold), records(pred), **options)
    assert tables.to_dict() == usual.to_dict()
    assert [str(w.message) for w in from_tables] == [str(w.message) for w in from_records]
    assert tables.confidence["unit"] == "document" and tables.confidence["intervals"]
    with pytest.raises(ValueError, match="span tables are scored without texts"):
        score(SpanTable.of(gold, vocab), SpanTable.of(pred, vocab), {"d000": "x"}, vocab=vocab)
