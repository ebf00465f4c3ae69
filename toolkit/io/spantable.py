"""Span tables: the mentions of many documents as numpy columns, one row per span.

A large predictions file is millions of spans; as Python objects they cost seconds and
gigabytes before any scoring starts. ``io.predictions.read_table`` reads a file straight into
a ``SpanTable`` and ``scoring.table`` scores it in bulk. Labels and entity ids are coded as
small integers by a ``Vocab`` that the gold and predicted tables share.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, repeat
from operator import attrgetter, is_not

import numpy as np

_get_mentions, _get_start, _get_end = attrgetter("mentions"), attrgetter("start"), attrgetter("end")
_get_label, _get_entity = attrgetter("label"), attrgetter("entity")


#: the key of an entity without a name is (_ANONYMOUS, its code): it equals no entity id
_ANONYMOUS = object()


class _Codes(dict):
    """str -> code, a new string getting the next code (``map(codes.__getitem__, ...)`` codes a
    column at C speed)."""

    def __missing__(self, key):
        code = self[key] = len(self)
        return code


class Vocab:
    """Label and entity-id strings as small integers, shared by the gold and predicted tables."""

    def __init__(self) -> None:
        self.labels: dict[str, int] = _Codes()
        self.entities: dict[str, int] = _Codes()

    def label_codes(self, labels) -> np.ndarray:
        """The codes of ``labels`` (an iterable of strings), new labels getting new codes."""
        return np.fromiter(map(self.labels.__getitem__, labels), dtype=np.int32)

    def entity_codes(self, entities) -> np.ndarray:
        """-1 for None (no entity id)."""
        codes = self.entities.__getitem__
        return np.fromiter((-1 if e is None else codes(e) for e in entities), dtype=np.int32)

    def anonymous_entities(self, n: int) -> int:
        """Codes for ``n`` entities that have numbers but no names (a format read's entities,
        ``SpanColumns``): ``base .. base + n - 1``; returns ``base``."""
        base = len(self.entities)
        codes = range(base, base + n)
        self.entities.update(zip(zip(repeat(_ANONYMOUS), codes), codes))
        return base

    def label_names(self) -> list[str]:
        """The labels by code."""
        return list(self.labels)

    def entity_names(self) -> list[str]:
        """The entity ids by code."""
        return list(self.entities)


@dataclass
class SpanTable:
    """The mentions of some documents as columns: rows ``offsets[k]:offsets[k + 1]`` are the
    spans of ``doc_ids[k]``, in their order in the file."""

    doc_ids: list[str]
    offsets: np.ndarray  # int64, len(doc_ids) + 1
    start: np.ndarray    # int64
    end: np.ndarray      # int64
    label: np.ndarray    # int32, Vocab.labels codes
    entity: np.ndarray   # int32, Vocab.entities codes (-1: no entity id)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (doc_id, error) of failed lines

    @classmethod
    def of(cls, spans_by_doc: Mapping[str, Sequence[tuple]], vocab: Vocab) -> SpanTable:
        """A table from doc id -> (start, end, label, entity) tuples (tests, small inputs)."""
        rows = [s for spans in spans_by_doc.values() for s in spans]
        lengths = [len(spans) for spans in spans_by_doc.values()]
        return cls(list(spans_by_doc), np.concatenate(([0], np.cumsum(lengths, dtype=np.int64))),
                   np.array([r[0] for r in rows], dtype=np.int64),
                   np.array([r[1] for r in rows], dtype=np.int64),
                   vocab.label_codes(r[2] for r in rows),
                   vocab.entity_codes(r[3] if len(r) > 3 else None for r in rows))

    @classmethod
    def of_records(cls, records: Sequence, vocab: Vocab, *, entities: bool = True) -> SpanTable:
        """A table of prediction-shaped records (``Prediction``, or the fast path's records:
        ``doc_id``, ``mentions`` with ``start``, ``end``, ``label``, ``entity``, and ``error``),
        in their order. ``entities=False``: the caller knows no mention names an entity."""
        mentions = list(chain.from_iterable(map(_get_mentions, records)))
        n = len(mentions)
        start = np.fromiter(map(_get_start, mentions), dtype=np.int64, count=n)
        end = np.fromiter(map(_get_end, mentions), dtype=np.int64, count=n)
        entity = (vocab.entity_codes(map(_get_entity, mentions))
                  if entities and any(map(is_not, map(_get_entity, mentions), repeat(None)))
                  else np.full(n, -1, dtype=np.int32))
        lengths = np.fromiter(map(len, map(_get_mentions, records)), dtype=np.int64,
                              count=len(records))
        return cls([r.doc_id for r in records], np.concatenate(([0], np.cumsum(lengths))),
                   start, end, vocab.label_codes(map(_get_label, mentions)), entity,
                   failed=[(r.doc_id, r.error) for r in records if r.error])

    @classmethod
    def concat(cls, parts: Sequence[SpanTable]) -> SpanTable:
        """One table of ``parts`` in order (their documents must differ)."""
        if len(parts) == 1:
            return parts[0]
        sizes = [len(p.start) for p in parts]
        shifts = np.cumsum([0] + sizes[:-1])
        offsets = np.concatenate([[0]] + [p.offsets[1:] + s for p, s in zip(parts, shifts)])
        return cls([d for p in parts for d in p.doc_ids], offsets,
                   *(np.concatenate([getattr(p, name) for p in parts])
                     for name in ("start", "end", "label", "entity")),
                   failed=[f for p in parts for f in p.failed])

    def label_counts(self, vocab: Vocab) -> dict[str, int]:
        """Spans per label (the labels of ``vocab`` that occur here)."""
        counts = np.bincount(self.label, minlength=len(vocab.labels)).tolist()
        return {label: n for label, n in zip(vocab.labels, counts) if n}

    def rows_doc(self) -> np.ndarray:
        """The document index (into ``doc_ids``) of each row."""
        return np.repeat(np.arange(len(self.doc_ids), dtype=np.int64), np.diff(self.offsets))


@dataclass(frozen=True)
class SpanColumns:
    """The mentions of some documents as columns before they meet a ``Vocab`` (a format read's,
    ``io.annotations.annotation_set_of``): rows ``offsets[k]:offsets[k + 1]`` are document
    ``k``'s; labels are indices into ``labels``, entities numbers unique within a document (-1:
    none). ``table`` codes them into a ``SpanTable``."""

    offsets: np.ndarray
    start: np.ndarray
    end: np.ndarray
    label: np.ndarray
    labels: list[str]
    entity: np.ndarray

    def label_counts(self) -> dict[str, int]:
        """Spans per label (the labels that occur)."""
        counts = np.bincount(self.label, minlength=len(self.labels)).tolist()
        return {label: n for label, n in zip(self.labels, counts) if n}

    def table(self, doc_ids: list[str], vocab: Vocab) -> SpanTable:
        """A span table of these rows for documents ``doc_ids`` (their order), coded by
        ``vocab`` (labels by name; entities as anonymous codes)."""
        codes = vocab.label_codes(self.labels) if self.labels else np.zeros(0, dtype=np.int32)
        entity = np.full(len(self.entity), -1, dtype=np.int32)
        named = self.entity >= 0
        if named.any():
            base = vocab.anonymous_entities(int(self.entity.max()) + 1)
            entity[named] = self.entity[named] + base
        return SpanTable(list(doc_ids), self.offsets.astype(np.int64), self.start.astype(np.int64),
                         self.end.astype(np.int64), codes[self.label].astype(np.int32), entity)
