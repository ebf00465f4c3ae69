"""Pairing a source that names no documents (CoNLL: ``FormatRead.positional``) with the other
side of a comparison, and putting its mentions on the other side's text.

A CoNLL file has no document ids and no text: its ids are made up (``test-0001``) and its text
is rebuilt from its tokens. So, compared with another source:

- its documents are paired with the other side's **by position** (the k-th with the k-th, in
  the other side's order: a corpus's manifest, a file's lines, another CoNLL file's
  documents); both must have as many;
- its tokens are checked against the other side's: against its tokens where it has some (two
  CoNLL files: the same tokens, one by one), else against its text (each token must be the
  next characters of the text after any whitespace). The first token that differs is one
  error naming both (the file and line of each side's token, or the text's offset);
- its mentions are put on the other side's characters through the tokens, and its documents
  take the other side's ids and texts.

Which side moves: the predictions, when they are positional; else the gold, when it is, unless
the predictions already name its documents (predictions made on the text a CoNLL gold rebuilds,
e.g. from ``ecbench import conll``). Two sources with ids are left alone.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from ...problems import InputError, show
from ..annotations import AnnotationSet
from ..predictions import FastMention, FastPrediction
from . import FormatDocument

_SPACE = re.compile(r"\s*")


def pair_sides(gold: AnnotationSet, pred: AnnotationSet, gold_shown: str, pred_shown: str
               ) -> tuple[AnnotationSet, AnnotationSet]:
    """``(gold, pred)`` with a positional side put on the other (see the module docstring)."""
    if pred.read is not None and pred.read.positional:
        return gold, anchored(pred, gold, pred_shown, gold_shown)
    if gold.read is not None and gold.read.positional:
        gold_ids = {p.doc_id for p in gold.predictions}
        if not any(p.doc_id in gold_ids for p in pred.predictions):
            return anchored(gold, pred, gold_shown, pred_shown), pred
    return gold, pred


def anchored(moving: AnnotationSet, target: AnnotationSet, moving_shown: str,
             target_shown: str) -> AnnotationSet:
    """``moving`` (positional) paired with ``target``'s documents by position, its mentions put
    on the target's text; raises ``InputError`` on a count or a token that differs."""
    documents = moving.read.documents
    targets = _target_documents(target)
    if len(documents) != len(targets):
        raise InputError(moving_shown, f"found {len(documents)} document(s), expected "
                         f"{len(targets)}, as many as {target_shown} has: the documents of a "
                         f"{moving.read.format} file have no ids, so they are paired with the "
                         "other side's in order")
    predictions, texts, moved_any = [], {}, False
    for k, (document, prediction, (doc_id, text, tokens, where)) in enumerate(
            zip(documents, moving.predictions, targets), start=1):
        if text is None:
            raise InputError(moving_shown, f"document {k} ({document.id}): found no text for "
                             f"{target_shown}'s document {doc_id}, expected its text, to put "
                             f"the {moving.read.format} tokens on it (give the corpus or a "
                             "source with texts)")
        if document.text == text:  # the same characters: the mentions stay where they are
            moved = FastPrediction(doc_id, prediction.mentions, list(prediction.claims),
                                   prediction.error)
        else:
            offsets = _token_offsets(document, k, text, tokens, where, doc_id)
            moved, moved_any = _moved(prediction, document, offsets, doc_id), True
        predictions.append(moved)
        texts[doc_id] = text
    source = {**moving.source, "paired_with": target_shown}
    # the columns stay right where no mention moved (the rows follow the documents' order)
    return replace(moving, predictions=predictions, texts=texts, source=source, read=None,
                   columns=None if moved_any else moving.columns)


def _target_documents(target: AnnotationSet) -> list[tuple]:
    """``(id, text, tokens, where)`` of each document of the side to pair with, in its order:
    ``where(i)`` says where its token ``i`` is, for a message."""
    if target.read is not None:
        return [(d.id, d.text, d.tokens, _token_place(d)) for d in target.read.documents]
    return [(p.doc_id, target.texts.get(p.doc_id), None, None) for p in target.predictions]


def _token_place(document: FormatDocument):
    """How a message names token ``i`` of a document: its file and line."""
    def where(i: int) -> str:
        file, line = document.locate(i)
        return f"{file}:{line}" if line is not None else f"{file} ({document.id})"
    return where


def _token_offsets(document: FormatDocument, k: int, text: str, tokens, where, doc_id: str
                   ) -> np.ndarray:
    """The ``(start, end)`` of each of ``document``'s tokens in the target's text: the target's
    own tokens (``tokens``: they must be the same), else found in ``text`` one after another."""
    mine = np.asarray(document.tokens, dtype=np.int64).reshape(-1, 2)
    if tokens is not None:
        theirs = np.asarray(tokens, dtype=np.int64).reshape(-1, 2)
        words = [document.text[a:b] for a, b in mine.tolist()]
        other = [text[a:b] for a, b in theirs.tolist()]
        if words == other:
            return theirs
        i = next((i for i, (x, y) in enumerate(zip(words, other)) if x != y), min(len(words),
                                                                                  len(other)))
        found = show(words[i]) if i < len(words) else "the end of the document"
        expected = (f"{show(other[i])} (the token at {where(i)})" if i < len(other)
                    else f"the end of the document (at {where(len(other) - 1)})")
        _differs(document, k, i, found, expected)
    offsets = np.empty_like(mine)
    position = 0
    for i, (a, b) in enumerate(mine.tolist()):
        word = document.text[a:b]
        position = _SPACE.match(text, position).end()
        if not text.startswith(word, position):
            shown = show(text[position:position + max(len(word), 10)]) if position < len(text) \
                else "the end of the text"
            _differs(document, k, i, show(word), f"{shown}, the text of document {doc_id} at "
                     f"character {position}")
        offsets[i] = position, position + len(word)
        position += len(word)
    rest = _SPACE.match(text, position).end()
    if rest < len(text):
        _differs(document, k, len(mine), "the end of the document",
                 f"{show(text[rest:rest + 20])}, the text of document {doc_id} at character "
                 f"{rest} (the tokens stop before the text does)")
    return offsets


def _differs(document: FormatDocument, k: int, i: int, found: str, expected: str) -> None:
    """Raise the error for token ``i`` of document ``k``, which is not the other side's."""
    file, line = document.locate(min(i, max(len(document.tokens) - 1, 0)))
    raise InputError(file, f"document {k} ({document.id}): token {i + 1}: found {found}, "
                     f"expected {expected}: both sides must be on the same tokens", line=line)


def _moved(prediction: FastPrediction, document: FormatDocument, offsets: np.ndarray,
           doc_id: str) -> FastPrediction:
    """A document's mentions on the target's characters, through its tokens."""
    mine = np.asarray(document.tokens, dtype=np.int64).reshape(-1, 2)
    mentions = prediction.mentions
    if not mentions:
        return FastPrediction(doc_id, [], list(prediction.claims), prediction.error)
    starts = np.fromiter((m.start for m in mentions), np.int64, len(mentions))
    ends = np.fromiter((m.end for m in mentions), np.int64, len(mentions))
    first = np.minimum(np.searchsorted(mine[:, 0], starts), len(mine) - 1)
    last = np.minimum(np.searchsorted(mine[:, 1], ends), len(mine) - 1)
    off = (mine[first, 0] != starts) | (mine[last, 1] != ends)
    if off.any():  # a positional reader's mentions are on its tokens: this is a reader's bug
        m = mentions[int(np.argmax(off))]
        raise InputError(document.file or document.id, f"document {document.id}: mention "
                         f"[{m.start}:{m.end}]: found offsets off its tokens, expected a "
                         "mention made of whole tokens")
    new_start, new_end = offsets[first, 0].tolist(), offsets[last, 1].tolist()
    moved = [FastMention(s, e, m.label, m.id, None, m.entity)
             for s, e, m in zip(new_start, new_end, mentions)]
    return FastPrediction(doc_id, moved, list(prediction.claims), prediction.error)
