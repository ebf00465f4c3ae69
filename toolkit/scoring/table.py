"""Mention scoring over span tables: the same numbers as ``score_mentions``, computed on
numpy arrays (one row per span) instead of one Python object per span.

A large predictions file is millions of spans; as tuples they cost seconds and gigabytes before
any scoring starts. Here a file is read straight into a ``SpanTable`` (``io.fastread.read_table``)
and swept in bulk: spans sorted by (document, start), cut into components of overlapping spans
(a running maximum of the ends), and every component with one gold and one predicted span, or
a single span, decided by array operations. A document holding any other component (several
spans overlapping, or a pair under ``min_overlap``) is scored span by span by the very function
``score_mentions`` uses (``mentions.score_document``), so the two ways cannot disagree. The
result is a ``MentionResult`` like theirs, with no match details (the error report takes the
other way) and no sentence units (a table has no texts).

>>> vocab = Vocab()
>>> gold = SpanTable.of({"d": [(0, 5, "PER", None), (10, 13, "ORG", None)]}, vocab)
>>> pred = SpanTable.of({"d": [(0, 5, "PER", None)]}, vocab)
>>> result = score_tables(gold, pred, vocab)
>>> result.micro["strict"].to_dict()["recall"], result.entities.to_dict()["recall"]
(0.5, 0.5)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ..io.spantable import SpanTable, Vocab
from .mentions import (
    MentionResult,
    MentionSpan,
    RunTally,
    check_min_overlap,
    score_document,
)
from .schemes import (
    CORRECT,
    MISSED,
    N_CODES,
    SPURIOUS,
    WRONG_BOTH,
    WRONG_BOUNDARY,
    WRONG_LABEL,
)


def duplicate_message(table: SpanTable, vocab: Vocab) -> tuple[str, int] | None:
    """``duplicate_mentions``' first line for a table (the first document, in file order, that
    repeats a mention: same start, end and label) and how many documents do; None if none."""
    if len(table.start) < 2:
        return None
    # a repeat shares its start: only documents with two spans starting together are looked at
    doc = table.rows_doc()
    big = int(table.start.max()) + 1
    if len(table.doc_ids) * big < 2**62:
        keys = np.sort(doc * big + table.start)
        candidates = _distinct(keys[1:][keys[1:] == keys[:-1]] // big).tolist()
    else:  # offsets too large for one key: every document is looked at
        candidates = range(len(table.doc_ids))
    names = vocab.label_names()
    found = []
    for k in candidates:
        lo, hi = int(table.offsets[k]), int(table.offsets[k + 1])
        first: dict[tuple, int] = {}
        for index, key in enumerate(zip(table.start[lo:hi].tolist(), table.end[lo:hi].tolist(),
                                        table.label[lo:hi].tolist())):
            if key in first:
                found.append(f"doc_id {table.doc_ids[k]}: mentions[{index}] ({key[0]}:{key[1]} "
                             f"{names[key[2]]}) repeats mentions[{first[key]}]: scored as "
                             "spurious")
                break
            first[key] = index
    return (found[0], len(found)) if found else None


def relabelled(vocab: Vocab, label_map: Mapping[str, str | None] | None,
               labels: Sequence[str] | None) -> tuple[np.ndarray, list[str]]:
    """``labels.relabel`` on the vocabulary: each label code's new code (-1: dropped) and the
    new label names."""
    keep = None if labels is None else frozenset(labels)
    names: dict[str, int] = {}
    to_new = []
    for label in vocab.labels:
        if label_map is not None and label in label_map:
            label = label_map[label]
        if label is None or (keep is not None and label not in keep):
            to_new.append(-1)
        else:
            to_new.append(names.setdefault(label, len(names)))
    return np.array(to_new, dtype=np.int32).reshape(-1), list(names)


def score_tables(gold: SpanTable, pred: SpanTable, vocab: Vocab, *,
                 label_map: Mapping[str, str | None] | None = None,
                 labels: Sequence[str] | None = None,
                 min_overlap: float = 0.0) -> MentionResult:
    """``score_mentions`` on two span tables (``label_map`` and ``labels`` applied as
    ``labels.relabel`` applies them), for the documents of either side, in sorted order.

    Column operations over every span of both files: one function on purpose (each step hands
    the next a dozen arrays), split by comments into its steps."""
    check_min_overlap(min_overlap)
    min_overlap = float(min_overlap)
    doc_ids = sorted(set(gold.doc_ids) | set(pred.doc_ids))
    position = {d: i for i, d in enumerate(doc_ids)}
    to_new, names = relabelled(vocab, label_map, labels)
    n_docs, n_labels = len(doc_ids), len(names)

    sides = []
    for is_gold, table in ((True, gold), (False, pred)):
        where = np.fromiter(map(position.__getitem__, table.doc_ids), dtype=np.int64,
                            count=len(table.doc_ids))
        doc = where[table.rows_doc()]
        label = to_new[table.label] if len(to_new) else table.label
        keep = label >= 0
        sides.append((doc[keep], table.start[keep], table.end[keep], label[keep],
                      table.entity[keep], np.full(int(keep.sum()), is_gold)))
    doc, start, end, label, entity, is_gold = (np.concatenate(c) for c in zip(*sides))
    del sides

    # sort by (document, start) through one int64 key; reach: the running maximum of the ends
    big = int(end.max()) + 1 if len(end) else 1
    if n_docs * big >= 2**62:  # offsets too large for one key: sort on two
        order = np.lexsort((start, doc))
        doc, start, end, label, entity, is_gold = (a[order] for a in
                                                   (doc, start, end, label, entity, is_gold))
        new = np.ones(len(doc), dtype=bool)
        reach = _running_reach(doc, end)
        new[1:] = (doc[1:] != doc[:-1]) | (start[1:] >= reach[:-1])
    else:
        key = doc * big + start
        order = np.argsort(key)
        doc, start, end, label, entity, is_gold = (a[order] for a in
                                                   (doc, start, end, label, entity, is_gold))
        reach = np.maximum.accumulate(doc * big + end)
        new = np.ones(len(doc), dtype=bool)
        new[1:] = key[order][1:] >= reach[:-1]
        del key, reach
    del order

    firsts = np.flatnonzero(new)
    sizes = np.diff(np.append(firsts, len(doc)))
    n_gold = np.add.reduceat(is_gold.astype(np.int64), firsts) if len(firsts) else firsts
    pair = (sizes == 2) & (n_gold == 1)
    g_row = np.where(is_gold[firsts[pair]], firsts[pair], firsts[pair] + 1)
    p_row = np.where(is_gold[firsts[pair]], firsts[pair] + 1, firsts[pair])
    complex_docs = np.zeros(n_docs, dtype=bool)
    complex_docs[doc[firsts[sizes > 2]]] = True
    complex_docs[doc[firsts[(sizes == 2) & (n_gold != 1)]]] = True
    if min_overlap:  # nervaluate's test, the same float expression as assignment.enough_overlap
        gs, ge, ps, pe = start[g_row], end[g_row], start[p_row], end[p_row]
        enough = (np.minimum(ge, pe) - np.maximum(gs, ps)) / (ge - gs) * 100.0 >= min_overlap
        complex_docs[doc[g_row[~enough]]] = True
    simple_pair = ~complex_docs[doc[g_row]]
    g_row, p_row = g_row[simple_pair], p_row[simple_pair]
    single = firsts[(sizes == 1) & ~complex_docs[doc[firsts]]]

    # outcome codes of the simple components
    gl, pl = label[g_row], label[p_row]
    same_bounds = (start[g_row] == start[p_row]) & (end[g_row] == end[p_row])
    same_label = gl == pl
    pair_code = np.where(same_bounds, np.where(same_label, CORRECT, WRONG_LABEL),
                         np.where(same_label, WRONG_BOUNDARY, WRONG_BOTH))
    single_gold = is_gold[single]
    single_code = np.where(single_gold, MISSED, SPURIOUS)
    outcome_doc = np.concatenate((doc[g_row], doc[single]))
    outcome_code = np.concatenate((pair_code, single_code))
    codes = np.bincount(outcome_doc * N_CODES + outcome_code,
                        minlength=n_docs * N_CODES).reshape(n_docs, N_CODES)
    # (gold label, predicted label, code), -1 for no span, counted in bulk
    none = np.full(len(single), -1)
    o_gold = np.concatenate((gl, np.where(single_gold, label[single], none)))
    o_pred = np.concatenate((pl, np.where(single_gold, none, label[single])))
    keys = ((o_gold + 1) * (n_labels + 1) + (o_pred + 1)) * 6 + outcome_code
    tally = np.bincount(keys, minlength=(n_labels + 1) ** 2 * 6)
    named = [None, *names]
    counted = {}
    for key in np.flatnonzero(tally).tolist():
        rest, code = divmod(key, 6)
        g, p = divmod(rest, n_labels + 1)
        counted[(named[g], named[p], code)] = int(tally[key])
    run = RunTally(min_overlap)
    run.add_outcomes(counted)

    # entity level (see mentions.py) of the simple documents
    simple_gold = is_gold & ~complex_docs[doc]
    simple_pred = ~is_gold & ~complex_docs[doc]
    correct = pair_code == CORRECT
    n_entities = len(vocab.entities) + 1
    found = _count(doc[g_row[correct]], entity[g_row[correct]], n_docs, n_entities)
    gold_entities = _count(doc[simple_gold], entity[simple_gold], n_docs, n_entities)
    hits = _count(doc[p_row[correct]], entity[p_row[correct]], n_docs, n_entities)
    clusters = _count(doc[simple_pred], entity[simple_pred], n_docs, n_entities)
    fp = clusters - hits
    entity_counts = np.column_stack((found, fp, gold_entities - found))

    # documents with a larger component: span by span, as score_mentions does
    if complex_docs.any():
        entity_names = [None, *vocab.entity_names()]
        for k in np.flatnonzero(complex_docs).tolist():
            lo, hi = np.searchsorted(doc, [k, k + 1])
            spans: tuple[list, list] = ([], [])
            for row in range(lo, hi):  # order is free: the sweep sorts, components are sets
                spans[0 if is_gold[row] else 1].append(MentionSpan(
                    int(start[row]), int(end[row]), names[label[row]],
                    entity_names[entity[row] + 1]))
            codes[k], entity_counts[k] = score_document(doc_ids[k], spans[0], spans[1], run)
    return MentionResult.of(doc_ids, codes, entity_counts, run.per_label(), run.confusion)


def _count(doc: np.ndarray, entity: np.ndarray, n_docs: int, n_entities: int) -> np.ndarray:
    """Per document: the spans without an entity id (each an entity of its own) plus the
    distinct entity ids."""
    alone = entity < 0
    out = np.bincount(doc[alone], minlength=n_docs)
    ids = _distinct(np.sort(doc[~alone] * n_entities + entity[~alone]))
    return out + np.bincount(ids // n_entities, minlength=n_docs)


def _distinct(ordered: np.ndarray) -> np.ndarray:
    """The distinct values of a sorted array (``np.unique`` without its sort, or its import of
    numpy.ma)."""
    keep = np.ones(len(ordered), dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]


def _running_reach(doc: np.ndarray, end: np.ndarray) -> np.ndarray:
    """The running maximum of ``end`` within each document (rows sorted by document)."""
    reach = end.copy()
    bounds = np.flatnonzero(np.diff(doc)) + 1
    for lo, hi in zip(np.concatenate(([0], bounds)), np.concatenate((bounds, [len(doc)]))):
        reach[lo:hi] = np.maximum.accumulate(end[lo:hi])
    return reach
