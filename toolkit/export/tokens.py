"""Gold as tokens: the one tokenisation that the ``ner`` config, CoNLL and DocBin share.

Tokens are those of spaCy's blank English tokenizer, **split further at every gold boundary
that falls inside a token** (mention, claim span and cue starts and ends). Nothing is expanded
to the covering tokens and nothing is dropped, so every export carries the gold offsets exactly
and round-trips. Each split is reported as an :class:`ExportWarning` naming the document, the
annotation, its text and offsets, and the token it cut, e.g. ``2025`` in ``mid-2025``.

BIO cannot nest: where mentions overlap, ``doc.ents`` and the BIO tags keep the longest (then
the earliest) one (``spacy.util.filter_spans``) and each mention left out is reported. The
DocBin still holds every mention in ``doc.spans["mentions"]``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..schema import LABELS, DocumentGold
from ..text import blank_english, sentences

#: The ``ner`` ClassLabel names, in this fixed order: ``O``, then ``B-``/``I-`` per label in
#: ``toolkit.schema.LABELS`` order. Ids are positions in this tuple.
BIO_TAGS: tuple[str, ...] = ("O", *(f"{p}-{label}" for label in LABELS for p in ("B", "I")))


@dataclass(frozen=True)
class ExportWarning:
    """Something an export had to adapt, named so a person can find it."""

    doc_id: str
    kind: str  # "mention", "claim" or "cue"
    item_id: str
    text: str
    start: int
    end: int
    problem: str

    def __str__(self) -> str:
        return f"{self.doc_id}: {self.kind} {self.item_id} {self.text!r} [{self.start}:{self.end}]: {self.problem}"


def _gold_spans(gold: DocumentGold) -> list[tuple[str, str, str, int, int]]:
    """(kind, id, text, start, end) of every stretch the tokens must respect."""
    spans = [("mention", m.id, m.text, m.start, m.end) for m in gold.mentions]
    for c in gold.claims:
        spans.append(("claim", c.id, c.span.text, c.span.start, c.span.end))
        if c.cue is not None:
            spans.append(("cue", c.id, c.cue.text, c.cue.start, c.cue.end))
    return spans


def gold_doc(text: str, gold: DocumentGold):
    """A spaCy ``Doc`` of ``text`` whose tokens respect every gold boundary.

    Sets ``doc.ents`` (non-overlapping mentions; ``ent_id_`` = mention id),
    ``doc.spans["mentions"]`` (all mentions, in gold order) and ``doc.spans["claims"]`` (claim
    spans in gold order, label = claim type). Entities are in-document clusters, not
    knowledge-base links, so ``kb_id_`` stays empty (``docbin`` puts the clusters in span groups).
    Returns ``(doc, warnings)``.
    """
    from spacy.tokens import Doc, Span
    from spacy.util import filter_spans

    nlp = blank_english()
    spans = _gold_spans(gold)
    cuts = sorted({offset for *_, s, e in spans for offset in (s, e)})
    words: list[str] = []
    spaces: list[bool] = []
    warnings: list[ExportWarning] = []
    for token in nlp.make_doc(text):
        start, end = token.idx, token.idx + len(token)
        inner = [c for c in cuts if start < c < end]
        for kind, item_id, span_text, s, e in spans:
            if s in inner or e in inner:
                warnings.append(ExportWarning(
                    gold.doc_id, kind, item_id, span_text, s, e,
                    f"not on spaCy token boundaries; token {token.text!r} [{start}:{end}] split to fit"))
        pieces = [start, *inner, end]
        for a, b in zip(pieces, pieces[1:]):
            words.append(text[a:b])
            spaces.append(False)
        spaces[-1] = bool(token.whitespace_)
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    if doc.text != text:  # cannot happen unless spaCy changes how it keeps whitespace
        raise AssertionError(f"{gold.doc_id}: tokens do not rebuild the text")

    def span(start: int, end: int, label: str, **ids) -> Span:
        found = doc.char_span(start, end, label=label, alignment_mode="strict", **ids)
        if found is None:  # every boundary was cut above, so only whitespace at an end is left
            from ..validate import show, trimmed

            s, e = trimmed(text, start, end)
            raise ValueError(f"{gold.doc_id}: span [{start}:{end}] {show(text[start:end])} starts "
                             f"or ends with whitespace, which no token boundary can hold; expected "
                             f"[{s}:{e}] {show(text[s:e])} (run `ecbench validate`)")
        return found

    mentions = [span(m.start, m.end, m.label, span_id=m.id) for m in gold.mentions]
    kept = filter_spans(mentions)
    kept_keys = {(s.start, s.end, s.label_) for s in kept}
    for m, s in zip(gold.mentions, mentions):
        if (s.start, s.end, s.label_) not in kept_keys:
            winner = next(k for k in kept if k.start < s.end and s.start < k.end)
            warnings.append(ExportWarning(
                gold.doc_id, "mention", m.id, m.text, m.start, m.end,
                f"overlaps {winner.text!r} [{winner.start_char}:{winner.end_char}]; BIO and doc.ents "
                "cannot nest, so it is left out of them (kept in doc.spans['mentions'])"))
    doc.ents = kept
    doc.spans["mentions"] = mentions
    doc.spans["claims"] = [span(c.span.start, c.span.end, c.type, span_id=c.id) for c in gold.claims]
    return doc, warnings


def bio_tag(token) -> str:
    """The BIO tag of a token from its spaCy entity annotation."""
    return "O" if token.ent_iob_ in ("O", "") else f"{token.ent_iob_}-{token.ent_type_}"


@dataclass(frozen=True)
class TaggedSentence:
    tokens: tuple[str, ...]
    tags: tuple[str, ...]
    start: int  # character offsets of the sentence in the document
    end: int


def sentence_bounds(doc) -> list[list[int]]:
    """``[start, end]`` character offsets of the sentences of ``toolkit.text.sentences``, those
    an entity runs across merged, so no entity is cut in two."""
    bounds = [list(b) for b in sentences(doc.text)]
    for ent in doc.ents:  # merge sentences an entity crosses
        first = next((i for i, (s, e) in enumerate(bounds) if s <= ent.start_char < e), None)
        while first is not None and first + 1 < len(bounds) and ent.end_char > bounds[first][1]:
            bounds[first][1] = bounds.pop(first + 1)[1]
    return bounds


def tagged_sentences(doc) -> list[TaggedSentence]:
    """Non-whitespace tokens with BIO tags, grouped by ``sentence_bounds``."""
    bounds = sentence_bounds(doc)
    out = []
    for start, end in bounds:
        toks = [t for t in doc if start <= t.idx < end and not t.is_space]
        if toks:
            out.append(TaggedSentence(tuple(t.text for t in toks), tuple(bio_tag(t) for t in toks),
                                      start, end))
    return out
