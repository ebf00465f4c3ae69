"""Mention scoring over span tables: the same numbers as ``score_mentions``, computed on
numpy arrays (one row per span) instead of one Python object per span.

A large predictions file is millions of spans; as tuples they cost seconds and gigabytes before
any scoring starts. Here a file is read straight into a ``SpanTable`` (``io.predictions.read_table``)
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
from typing import NamedTuple

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


class _Spans(NamedTuple):
    """Both sides' spans as columns, one row per span."""

    doc: np.ndarray     # document index into the sorted doc ids
    start: np.ndarray
    end: np.ndarray
    label: np.ndarray   # code into the relabelled names
    entity: np.ndarray  # Vocab.entities code, -1: none
    is_gold: np.ndarray

    def take(self, rows: np.ndarray) -> _Spans:
        return _Spans(*(column[rows] for column in self))


def score_tables(gold: SpanTable, pred: SpanTable, vocab: Vocab, *,
                 label_map: Mapping[str, str | None] | None = None,
                 labels: Sequence[str] | None = None,
                 min_overlap: float = 0.0, doc_ids: list[str] | None = None) -> MentionResult:
    """``score_mentions`` on two span tables (``label_map`` and ``labels`` applied as
    ``labels.relabel`` applies them), for the documents of either side, in sorted order
    (``doc_ids``, where the caller has them already)."""
    check_min_overlap(min_overlap)
    min_overlap = float(min_overlap)
    if doc_ids is None:
        doc_ids = sorted(set(gold.doc_ids) | set(pred.doc_ids))
    to_new, names = relabelled(vocab, label_map, labels)
    spans, new = _components(_both_sides(gold, pred, doc_ids, to_new), len(doc_ids))
    g_row, p_row, single, complex_docs = _simple_components(spans, new, len(doc_ids),
                                                            min_overlap)
    run = RunTally(min_overlap)
    codes, pair_code = _simple_outcomes(spans, g_row, p_row, single, len(doc_ids), names, run)
    entity_counts = _simple_entities(spans, g_row[pair_code == CORRECT],
                                     p_row[pair_code == CORRECT], complex_docs, len(doc_ids),
                                     len(vocab.entities) + 1)
    # documents with a larger component: span by span, as score_mentions does
    entity_names = [None, *vocab.entity_names()]
    for k in np.flatnonzero(complex_docs).tolist():
        lo, hi = np.searchsorted(spans.doc, [k, k + 1])
        sides: tuple[list, list] = ([], [])
        for row in range(lo, hi):  # order is free: the sweep sorts, components are sets
            sides[0 if spans.is_gold[row] else 1].append(MentionSpan(
                int(spans.start[row]), int(spans.end[row]), names[spans.label[row]],
                entity_names[spans.entity[row] + 1]))
        codes[k], entity_counts[k] = score_document(doc_ids[k], sides[0], sides[1], run)
    return MentionResult.of(doc_ids, codes, entity_counts, run.per_label(), run.confusion)


def _both_sides(gold: SpanTable, pred: SpanTable, doc_ids: list[str],
                to_new: np.ndarray) -> _Spans:
    """The spans of both tables as one set of columns, relabelled (dropped labels left out),
    documents as indices into ``doc_ids``."""
    position = {d: i for i, d in enumerate(doc_ids)}
    sides = []
    for is_gold, table in ((True, gold), (False, pred)):
        where = np.fromiter(map(position.__getitem__, table.doc_ids), dtype=np.int64,
                            count=len(table.doc_ids))
        doc = where[table.rows_doc()]
        label = to_new[table.label] if len(to_new) else table.label
        keep = label >= 0
        sides.append((doc[keep], table.start[keep], table.end[keep], label[keep],
                      table.entity[keep], np.full(int(keep.sum()), is_gold)))
    return _Spans(*(np.concatenate(column) for column in zip(*sides)))


def _components(spans: _Spans, n_docs: int) -> tuple[_Spans, np.ndarray]:
    """The spans sorted by (document, start), and where each run of overlapping spans (a
    component) begins: a span starting at or after the running maximum of the ends before it."""
    big = int(spans.end.max()) + 1 if len(spans.end) else 1
    new = np.ones(len(spans.doc), dtype=bool)
    if n_docs * big >= 2**62:  # offsets too large for one int64 key: sort on two
        spans = spans.take(np.lexsort((spans.start, spans.doc)))
        reach = _running_reach(spans.doc, spans.end)
        new[1:] = (spans.doc[1:] != spans.doc[:-1]) | (spans.start[1:] >= reach[:-1])
        return spans, new
    key = spans.doc * big + spans.start
    order = np.argsort(key)
    spans = spans.take(order)
    reach = np.maximum.accumulate(spans.doc * big + spans.end)
    new[1:] = key[order][1:] >= reach[:-1]
    return spans, new


def _simple_components(spans: _Spans, new: np.ndarray, n_docs: int, min_overlap: float):
    """``(g_row, p_row, single, complex_docs)``: the rows of the gold and predicted span of
    every one-to-one component and of every lone span, in documents holding no larger
    component (nor a pair under ``min_overlap``); and those other documents."""
    doc, is_gold = spans.doc, spans.is_gold
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
        gs, ge, ps, pe = spans.start[g_row], spans.end[g_row], spans.start[p_row], spans.end[p_row]
        enough = (np.minimum(ge, pe) - np.maximum(gs, ps)) / (ge - gs) * 100.0 >= min_overlap
        complex_docs[doc[g_row[~enough]]] = True
    simple_pair = ~complex_docs[doc[g_row]]
    single = firsts[(sizes == 1) & ~complex_docs[doc[firsts]]]
    return g_row[simple_pair], p_row[simple_pair], single, complex_docs


def _simple_outcomes(spans: _Spans, g_row, p_row, single, n_docs: int, names: list[str],
                     run: RunTally) -> tuple[np.ndarray, np.ndarray]:
    """The outcome-code counts per document of the simple components (returned, with each
    pair's code), and their ``(gold label, predicted label, code)`` outcomes counted in bulk
    into ``run``."""
    doc, label, start, end = spans.doc, spans.label, spans.start, spans.end
    gl, pl = label[g_row], label[p_row]
    same_bounds = (start[g_row] == start[p_row]) & (end[g_row] == end[p_row])
    same_label = gl == pl
    pair_code = np.where(same_bounds, np.where(same_label, CORRECT, WRONG_LABEL),
                         np.where(same_label, WRONG_BOUNDARY, WRONG_BOTH))
    single_gold = spans.is_gold[single]
    outcome_code = np.concatenate((pair_code, np.where(single_gold, MISSED, SPURIOUS)))
    outcome_doc = np.concatenate((doc[g_row], doc[single]))
    codes = np.bincount(outcome_doc * N_CODES + outcome_code,
                        minlength=n_docs * N_CODES).reshape(n_docs, N_CODES)
    # (gold label, predicted label, code), -1 for no span, counted by one bincount
    n_labels = len(names)
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
    run.add_outcomes(counted)
    return codes, pair_code


def _simple_entities(spans: _Spans, g_correct, p_correct, complex_docs, n_docs: int,
                     n_entities: int) -> np.ndarray:
    """Entity-level tp, fp, fn per document (see mentions.py) of the documents without a
    larger component, from the rows of their strictly correct pairs."""
    doc, entity, is_gold = spans.doc, spans.entity, spans.is_gold
    simple = ~complex_docs[doc]
    simple_gold, simple_pred = is_gold & simple, ~is_gold & simple
    found = _count(doc[g_correct], entity[g_correct], n_docs, n_entities)
    gold_entities = _count(doc[simple_gold], entity[simple_gold], n_docs, n_entities)
    hits = _count(doc[p_correct], entity[p_correct], n_docs, n_entities)
    clusters = _count(doc[simple_pred], entity[simple_pred], n_docs, n_entities)
    return np.column_stack((found, clusters - hits, gold_entities - found))


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
