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

import numpy as np

from ..checks import trimmed
from ..io.formats.docbin import CLAIMS, MENTIONS
from ..problems import show
from ..runtime import import_extra
from ..schema import LABELS, DocumentGold
from ..text import blank_english, sentences, token_array

#: what needs spaCy here, as the message for a missing one says
NEEDED_BY = "the tokenised exports"

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


def gold_doc(text: str, gold: DocumentGold, tokens=None, span_groups: bool = True):
    """A spaCy ``Doc`` of ``text`` whose tokens respect every gold boundary.

    Sets ``doc.ents`` (non-overlapping mentions; ``ent_id_`` = mention id),
    ``doc.spans["mentions"]`` (all mentions, in gold order) and ``doc.spans["claims"]`` (claim
    spans in gold order, label = claim type). Entities are in-document clusters, not
    knowledge-base links, so ``kb_id_`` stays empty (``docbin`` puts the clusters in span groups).
    ``tokens``: the blank tokenizer's ``Doc`` of ``text`` when the caller already has it (a
    batch from ``tokenizer.pipe``). ``span_groups=False`` leaves ``doc.spans`` empty (the BIO
    exports read only ``doc.ents``). Returns ``(doc, warnings)``. A span that starts or ends
    with whitespace (no token boundary can hold it) is a ``ValueError`` naming it.
    """
    from bisect import bisect_left, bisect_right

    Doc = import_extra("spacy.tokens", NEEDED_BY).Doc

    nlp = blank_english()
    spans = _gold_spans(gold)
    cuts = sorted({offset for *_, s, e in spans for offset in (s, e)})
    words: list[str] = []
    spaces: list[bool] = []
    warnings: list[ExportWarning] = []
    if tokens is None:
        tokens = nlp.make_doc(text)
    # token offsets as arrays: no Token objects (they cost more than the tokenizer itself)
    table = tokens.to_array(["IDX", "LENGTH", "SPACY"])
    if not span_groups and not _cuts_inside(table, cuts):
        # every gold boundary is a token boundary already (nearly every document): the
        # tokenizer's Doc is the Doc. (Rebuilding it from words, as below, loses the norms the
        # tokenizer's exceptions set, which a DocBin keeps; the BIO exports read none.)
        return _annotate(tokens, gold, warnings, span_groups)
    for start, length, space in table.tolist():
        end = start + length
        lo, hi = bisect_right(cuts, start), bisect_left(cuts, end)
        if lo == hi:  # no gold boundary inside the token: nearly all of them
            words.append(text[start:end])
            spaces.append(bool(space))
            continue
        inner = cuts[lo:hi]
        for kind, item_id, span_text, s, e in spans:
            if s in inner or e in inner:
                warnings.append(ExportWarning(
                    gold.doc_id, kind, item_id, span_text, s, e,
                    f"not on spaCy token boundaries; token {text[start:end]!r} [{start}:{end}] split to fit"))
        pieces = [start, *inner, end]
        for a, b in zip(pieces, pieces[1:]):
            words.append(text[a:b])
            spaces.append(False)
        spaces[-1] = bool(space)
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    # (doc.text would build the text again from Token objects: join the words instead)
    if "".join(w + " " * sp for w, sp in zip(words, spaces)) != text:  # cannot happen unless
        # spaCy changes how it keeps whitespace
        raise AssertionError(f"{gold.doc_id}: tokens do not rebuild the text")
    return _annotate(doc, gold, warnings, span_groups)


def _cuts_inside(table, cuts: list[int]) -> bool:
    """Whether any offset in ``cuts`` falls strictly inside a token (rows of IDX, LENGTH)."""
    if not cuts or not len(table):
        return False
    starts = table[:, 0].astype(np.int64)
    ends = starts + table[:, 1].astype(np.int64)
    offsets = np.asarray(cuts, dtype=np.int64)
    k = np.searchsorted(starts, offsets, side="right") - 1  # the token starting at or before
    k_safe = k.clip(0)
    return bool(((k >= 0) & (offsets > starts[k_safe]) & (offsets < ends[k_safe])).any())


def _annotate(doc, gold: DocumentGold, warnings: list, span_groups: bool):
    """Set the mention entities (and span groups) on ``doc``, whose tokens respect every gold
    boundary."""
    Span = import_extra("spacy.tokens", NEEDED_BY).Span
    filter_spans = import_extra("spacy.util", NEEDED_BY).filter_spans

    # token index of each token's first and past-the-end character: what char_span("strict")
    # finds, looked up in a dict (char_span scans the tokens every call)
    offsets = doc.to_array(["IDX", "LENGTH"]).tolist()
    first = {offset: i for i, (offset, _) in enumerate(offsets)}
    after = {offset + length: i + 1 for i, (offset, length) in enumerate(offsets)}

    def span(start: int, end: int, label: str, **ids) -> Span:
        if start not in first or end not in after:
            # every boundary was cut above, so only whitespace at an end is left
            raise _whitespace_error(doc.text, gold, start, end)
        return Span(doc, first[start], after[end], label=label, **ids)

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
    doc.set_ents(kept, default="outside")  # what ``doc.ents = kept`` does, without its checks
    if span_groups:
        doc.spans[MENTIONS] = mentions
        doc.spans[CLAIMS] = [span(c.span.start, c.span.end, c.type, span_id=c.id)
                               for c in gold.claims]
    else:  # the claim spans must still fall on token boundaries
        for c in gold.claims:
            if c.span.start not in first or c.span.end not in after:
                raise _whitespace_error(doc.text, gold, c.span.start, c.span.end)
    return doc, warnings


def _whitespace_error(text: str, gold: DocumentGold, start: int, end: int) -> ValueError:
    """The one-line error for a span no token boundary can hold (whitespace at an end)."""
    s, e = trimmed(text, start, end)
    return ValueError(f"{gold.doc_id}: span [{start}:{end}] {show(text[start:end])} starts "
                      f"or ends with whitespace, which no token boundary can hold; expected "
                      f"[{s}:{e}] {show(text[s:e])} (run `ecbench validate`)")


def bio_tag(token) -> str:
    """The BIO tag of a token from its spaCy entity annotation."""
    return "O" if token.ent_iob_ in ("O", "") else f"{token.ent_iob_}-{token.ent_type_}"


@dataclass(frozen=True)
class TaggedSentence:
    tokens: tuple[str, ...]
    tags: tuple[str, ...]
    start: int  # character offsets of the sentence in the document
    end: int


def sentence_bounds(doc, text: str | None = None) -> list[list[int]]:
    """``[start, end]`` character offsets of the sentences of ``toolkit.text.sentences``, those
    an entity runs across merged, so no entity is cut in two. ``text``: ``doc.text`` when the
    caller has it (``doc.text`` rebuilds it token by token)."""
    return _merged_bounds(doc.text if text is None else text,
                          [(ent.start_char, ent.end_char) for ent in doc.ents])


def _merged_bounds(text: str, ents: list[tuple[int, int]], sents=None) -> list[list[int]]:
    """``sentence_bounds`` from the entities' character offsets (in text order); ``sents``:
    ``sentences(text)`` when the caller has it."""
    bounds = [list(b) for b in (sentences(text) if sents is None else sents)]
    i = 0
    for start_char, end_char in ents:  # merge the sentences an entity crosses, in one walk
        while i < len(bounds) and bounds[i][1] <= start_char:
            i += 1
        if i == len(bounds) or start_char < bounds[i][0]:
            continue  # starts between sentences
        while i + 1 < len(bounds) and end_char > bounds[i][1]:
            bounds[i][1] = bounds.pop(i + 1)[1]
    return bounds


def tagged_sentences(doc, text: str | None = None) -> list[TaggedSentence]:
    """Non-whitespace tokens with BIO tags, grouped by ``sentence_bounds``."""
    text = doc.text if text is None else text
    strings = doc.vocab.strings
    rows = doc.to_array(["IDX", "LENGTH", "IS_SPACE", "ENT_IOB", "ENT_TYPE"]).tolist()
    # ENT_IOB codes: 0 unset, 1 I, 2 O, 3 B (as bio_tag reads token.ent_iob_)
    tokens = [(idx, idx + length, is_space,
               f"{_IOB[iob]}-{strings[ent_type]}" if iob in (1, 3) else "O")
              for idx, length, is_space, iob, ent_type in rows]
    return _grouped(text, sentence_bounds(doc, text), tokens)


def _grouped(text: str, bounds: list[list[int]], tokens: list[tuple[int, int, int, str]]
             ) -> list[TaggedSentence]:
    """``(start, end, is_space, tag)`` tokens (in text order) grouped into sentences, without
    the whitespace tokens."""
    out, k = [], 0
    for start, end in bounds:  # tokens and sentences are both in text order: one walk
        while k < len(tokens) and tokens[k][0] < start:
            k += 1
        words, tags = [], []
        while k < len(tokens) and tokens[k][0] < end:
            idx, stop, is_space, tag = tokens[k]
            if not is_space:
                words.append(text[idx:stop])
                tags.append(tag)
            k += 1
        if words:
            out.append(TaggedSentence(tuple(words), tuple(tags), start, end))
    return out


_IOB = {1: "I", 3: "B"}


@dataclass(frozen=True)
class BIOSentences:
    """A document's BIO sentences as flat columns: ``words``, their character offsets in the
    text (``word_starts``, ``word_ends``) and ``tag_ids`` (positions in ``BIO_TAGS``) of the
    non-whitespace tokens, and per sentence its character ``bounds`` and its ``[first, stop)``
    range in ``words``."""

    words: list[str]
    tag_ids: list[int]
    bounds: list[tuple[int, int]]
    ranges: list[tuple[int, int]]
    word_starts: list[int]
    word_ends: list[int]

    def sentences(self) -> list[TaggedSentence]:
        return [TaggedSentence(tuple(self.words[a:b]), tuple(BIO_TAGS[t] for t in self.tag_ids[a:b]),
                               start, end) for (start, end), (a, b) in zip(self.bounds, self.ranges)]


_B_ID = {label: BIO_TAGS.index(f"B-{label}") for label in LABELS}


def _filtered(mentions: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """``spacy.util.filter_spans`` on ``(start, end, label)`` token spans: the longest, then
    the earliest, in start order. A span that overlaps no other is always kept, so the greedy
    walk only visits those that overlap (a few nested mentions in a document)."""
    by_start = sorted(mentions, key=lambda m: m[0])
    clash = [False] * len(by_start)
    reach = -1  # the furthest end of the spans before
    for i, (s, e, _) in enumerate(by_start):
        if s < reach:  # it overlaps an earlier span, and so does the span just before it
            clash[i] = clash[i - 1] = True  # (marking one that overlaps nothing is harmless)
        reach = max(reach, e)
    if not any(clash):
        return by_start
    overlapping = set(k for k, c in zip(by_start, clash) if c)
    kept = [k for k, c in zip(by_start, clash) if not c]
    seen: set[int] = set()
    for s, e, label in sorted((m for m in mentions if m in overlapping),
                              key=lambda m: (m[1] - m[0], -m[0]), reverse=True):
        if s not in seen and e - 1 not in seen:
            kept.append((s, e, label))
            seen.update(range(s, e))
    kept.sort(key=lambda m: m[0])
    return kept


def bio_sentences(text: str, gold: DocumentGold, tokens=None
                  ) -> tuple[list[TaggedSentence], list[ExportWarning]]:
    """``tagged_sentences(gold_doc(text, gold, tokens)[0])`` and its warnings: the same tokens,
    tags, sentences, warnings and errors (see ``bio_columns``)."""
    columns, warnings = bio_columns(text, gold, tokens)
    return columns.sentences(), warnings


def bio_columns(text: str, gold: DocumentGold, tokens=None, sents=None, array=None
                ) -> tuple[BIOSentences, list[ExportWarning]]:
    """What ``gold_doc`` and ``tagged_sentences`` give the BIO exports (the ``ner`` config,
    CoNLL), computed on token offset arrays (``bio_batch`` of one document), without building
    a ``Doc``, ``Span`` objects or ``doc.ents``: several times faster per document. A span off
    the token boundaries is a ValueError that names it. ``tokens``: the blank tokenizer's
    ``Doc`` of ``text`` when the caller has it (a batch from ``tokenizer.pipe``), ``sents``
    ``toolkit.text.sentences(text)``, ``array`` the tokens' ``toolkit.text.token_array``."""
    if array is None:
        array = token_array(blank_english().make_doc(text) if tokens is None else tokens)
    columns, warnings = bio_batch([text], [gold], [array],
                                  [sentences(text) if sents is None else sents], strict=True)
    return columns[0], warnings[0]


def _split_points(starts, ends, offsets):
    """Where tokens must be split: the gold boundaries (sorted ``offsets``) that fall strictly
    inside a token, as ``(cuts by token index in token order, token of each cut, cut)``."""
    k = np.searchsorted(starts, offsets, side="right") - 1
    k_safe = k.clip(0)
    inside = (k >= 0) & (offsets > starts[k_safe]) & (offsets < ends[k_safe])
    inner_by_token: dict[int, list[int]] = {}
    for token, cut in zip(k[inside].tolist(), offsets[inside].tolist()):
        inner_by_token.setdefault(token, []).append(cut)
    return inner_by_token, k[inside], offsets[inside]


def bio_batch(texts: list[str], golds: list[DocumentGold], arrays: list, sents: list, *,
              strict: bool = False) -> tuple[list[BIOSentences], list[list[ExportWarning]]] | None:
    """``bio_columns`` of each document of a batch, computed with one set of array operations
    on the batch's tokens laid end to end (document ``d``'s characters shifted by the lengths
    of the texts before it), instead of a few dozen small ones per document. ``arrays``: each
    text's ``toolkit.text.token_array``, ``sents`` its ``sentences``. The same columns and
    warnings; ``None`` when a span is not on token boundaries (the caller then takes the
    per-document path, which raises that document's error), or with ``strict`` that error
    (the first such span: mentions, then claims)."""
    if not texts:
        return [], []
    batch = _Batch.laid_end_to_end(texts, golds, arrays)
    warnings: list[list[ExportWarning]] = [[] for _ in texts]
    mentions = batch.shifted(lambda g: [(m.start, m.end) for m in g.mentions])
    claims = batch.shifted(lambda g: [(c.span.start, c.span.end) for c in g.claims])
    cues = batch.shifted(lambda g: [(c.cue.start, c.cue.end) for c in g.claims if c.cue is not None])
    offsets = np.unique(np.concatenate([mentions[:, :2].ravel(), claims[:, :2].ravel(),
                                        cues[:, :2].ravel()]))
    if len(offsets) and len(batch.starts):
        batch.split_at(offsets, warnings)  # gold boundaries inside a token (as bio_columns does)
    found = batch.token_spans(mentions, strict)
    if found is None or batch.token_spans(claims, strict) is None:
        return None
    first, stop, b_ids = _kept_mentions(batch, *found, mentions[:, 2], warnings)
    tags = _tag_ids(len(batch.starts), first, stop, b_ids)
    sentence_starts, sentence_ends, sentence_docs = _merged_sentences(batch, sents, first, stop)
    return _document_columns(batch, tags, sentence_starts, sentence_ends, sentence_docs), warnings


@dataclass
class _Batch:
    """A batch's tokens laid end to end: global character offsets (document ``d``'s shifted by
    ``base[d]``), whether each is whitespace, and its document. ``split_at`` changes them."""

    texts: list[str]
    golds: list[DocumentGold]
    text: str  # the texts joined: global offsets index it
    base: np.ndarray  # the global offset of each document's first character (and the end)
    starts: np.ndarray
    ends: np.ndarray
    space: np.ndarray  # bool
    doc: np.ndarray  # the document of each token

    @classmethod
    def laid_end_to_end(cls, texts: list[str], golds: list[DocumentGold], arrays: list) -> _Batch:
        nd = len(texts)
        base = np.concatenate([[0], np.cumsum([len(t) for t in texts])]).astype(np.int64)
        ntok = np.fromiter(map(len, arrays), np.int64, nd)
        array = np.concatenate(arrays) if ntok.sum() else np.zeros((0, 4), np.int64)
        doc = np.repeat(np.arange(nd), ntok)
        starts = array[:, 0] + base[doc]
        return cls(texts, golds, "".join(texts), base, starts, starts + array[:, 1],
                   array[:, 2].astype(bool), doc)

    def shifted(self, pairs_of) -> np.ndarray:
        """``(start, end, document)`` rows of every document's ``pairs_of(gold)``, as global
        offsets."""
        pairs = [(s, e, d) for d in range(len(self.texts)) for s, e in pairs_of(self.golds[d])]
        if not pairs:
            return np.zeros((0, 3), np.int64)
        out = np.asarray(pairs, dtype=np.int64)
        out[:, :2] += self.base[out[:, 2], None]
        return out

    def split_at(self, offsets: np.ndarray, warnings: list[list[ExportWarning]]) -> None:
        """Split the tokens at the gold boundaries (sorted global ``offsets``) that fall
        strictly inside one, warning once per annotation a split token holds."""
        starts, ends, space, doc = self.starts, self.ends, self.space, self.doc
        inner_by_token, cut_token, cut_at = _split_points(starts, ends, offsets)
        if not inner_by_token:
            return
        spans_of: dict[int, list] = {}
        for token, inner in inner_by_token.items():  # in token (so document) order
            d = int(doc[token])
            if d not in spans_of:
                spans_of[d] = _gold_spans(self.golds[d])
            b = int(self.base[d])
            local = [c - b for c in inner]
            start, end = int(starts[token]) - b, int(ends[token]) - b
            text = self.texts[d]
            for kind, item_id, span_text, s, e in spans_of[d]:
                if s in local or e in local:
                    warnings[d].append(ExportWarning(
                        self.golds[d].doc_id, kind, item_id, span_text, s, e,
                        f"not on spaCy token boundaries; token {text[start:end]!r} [{start}:{end}] split to fit"))
        order = np.argsort(np.concatenate([starts, cut_at]), kind="stable")
        self.doc = np.concatenate([doc, doc[cut_token]])[order]
        self.starts = np.concatenate([starts, cut_at])[order]
        self.ends = np.concatenate([ends, cut_at])[np.argsort(np.concatenate([ends, cut_at]),
                                                              kind="stable")]
        pieces = np.concatenate([space, np.zeros(len(cut_at), dtype=bool)])[order]
        split = np.zeros(len(starts), dtype=bool)
        split[list(inner_by_token)] = True
        touched = split[np.searchsorted(starts, self.starts, side="right") - 1]
        for i in np.flatnonzero(touched).tolist():  # a piece of a split token: whitespace?
            pieces[i] = self.text[self.starts[i]:self.ends[i]].isspace()
        self.space = pieces

    def token_spans(self, pairs: np.ndarray, strict: bool):
        """Global token ``first``, ``stop`` of global character ``pairs``; None if one is not
        on token boundaries (with ``strict``: the error naming the first)."""
        n = len(self.starts)
        i, j = np.searchsorted(self.starts, pairs[:, 0]), np.searchsorted(self.ends, pairs[:, 1])
        ok = (i < n) & (j < n)
        ok[ok] = (self.starts[i[ok]] == pairs[ok, 0]) & (self.ends[j[ok]] == pairs[ok, 1])
        if ok.all():
            return i, j + 1
        if strict:
            start, end, d = (int(x) for x in pairs[int(np.argmin(ok))])
            b = int(self.base[d])
            raise _whitespace_error(self.texts[d], self.golds[d], start - b, end - b)
        return None


def _kept_mentions(batch: _Batch, first_token: np.ndarray, stop_token: np.ndarray,
                   mention_doc: np.ndarray, warnings: list[list[ExportWarning]]):
    """The mentions BIO keeps (``filter_spans`` per document, as ``gold_doc``), in token
    order: ``(first token, stop token, B- tag id)`` arrays; a mention left out is warned of.
    Only the documents where mentions overlap take the greedy walk."""
    labels = [m.label for g in batch.golds for m in g.mentions]
    by_start = np.argsort(first_token, kind="stable")
    reach = np.maximum.accumulate(stop_token[by_start]) if len(by_start) else stop_token
    clash = np.zeros(len(by_start), dtype=bool)
    if len(by_start) > 1:
        hit = first_token[by_start][1:] < reach[:-1]
        clash[1:] |= hit
        clash[:-1] |= hit
    clash_docs = sorted(set(mention_doc[by_start[clash]].tolist()))
    if not clash_docs:
        b_ids = np.fromiter((_B_ID[label] for label in labels), np.int64, len(labels))
        order = np.argsort(first_token, kind="stable")
        return first_token[order], stop_token[order], b_ids[order]
    keep = np.ones(len(mention_doc), dtype=bool)
    first_list, stop_list = first_token.tolist(), stop_token.tolist()
    m_first = np.searchsorted(mention_doc, np.arange(len(batch.texts) + 1)).tolist()
    extra = []
    for d in clash_docs:
        a, b = m_first[d], m_first[d + 1]
        keys = list(zip(first_list[a:b], stop_list[a:b], labels[a:b]))
        kept = _filtered(keys)
        kept_keys = set(kept)
        keep[a:b] = False
        extra += kept
        bd = int(batch.base[d])
        for m, key in zip(batch.golds[d].mentions, keys):
            if key not in kept_keys:
                ws, we, _ = next(k for k in kept if k[0] < key[1] and key[0] < k[1])
                x, y = int(batch.starts[ws]) - bd, int(batch.ends[we - 1]) - bd
                warnings[d].append(ExportWarning(
                    batch.golds[d].doc_id, "mention", m.id, m.text, m.start, m.end,
                    f"overlaps {batch.texts[d][x:y]!r} [{x}:{y}]; BIO and doc.ents "
                    "cannot nest, so it is left out of them (kept in doc.spans['mentions'])"))
    kf = np.concatenate([first_token[keep], np.fromiter((k[0] for k in extra), np.int64, len(extra))])
    ks = np.concatenate([stop_token[keep], np.fromiter((k[1] for k in extra), np.int64, len(extra))])
    kb = np.concatenate([np.fromiter((_B_ID[labels[i]] for i in np.flatnonzero(keep).tolist()), np.int64),
                         np.fromiter((_B_ID[k[2]] for k in extra), np.int64, len(extra))])
    order = np.argsort(kf, kind="stable")
    return kf[order], ks[order], kb[order]


def _tag_ids(n: int, first: np.ndarray, stop: np.ndarray, b_ids: np.ndarray) -> np.ndarray:
    """The tag id of each of ``n`` tokens: ``B-`` on a kept mention's first token, ``I-`` on
    the others, ``O`` (0) elsewhere."""
    tags = np.zeros(n, dtype=np.int64)
    lengths = stop - first
    inside = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    tags[np.repeat(first, lengths) + inside] = np.repeat(b_ids, lengths) + (inside > 0)
    return tags


def _merged_sentences(batch: _Batch, sents: list, first: np.ndarray, stop: np.ndarray):
    """The batch's sentences (global ``starts``, ``ends`` and document) merged where a kept
    mention runs across them: ``_merged_bounds`` for the whole batch. A document with a mention
    that starts between sentences takes ``_merged_bounds`` itself."""
    nd = len(batch.texts)
    nsent = [len(s) for s in sents]
    sdoc = np.repeat(np.arange(nd), nsent)
    sb = (np.asarray([b for s in sents for b in s], dtype=np.int64).reshape(-1, 2)
          + batch.base[sdoc, None])
    ss, se = sb[:, 0], sb[:, 1]
    es, ee = batch.starts[first], batch.ends[stop - 1]
    edoc = batch.doc[first]
    i = np.searchsorted(se, es, side="right")  # the first sentence ending after the start
    i_safe = np.minimum(i, max(len(se) - 1, 0))
    within = (i < len(se))
    if len(se):
        within &= (sdoc[i_safe] == edoc) & (ss[i_safe] <= es)
    last = np.cumsum(nsent) - 1  # each document's last sentence
    join = np.zeros(len(se) + 1, dtype=np.int64)
    if within.all():
        odd_docs: set[int] = set()
    else:  # an entity that starts between sentences: that document takes the walk
        odd_docs = set(edoc[~within].tolist())
        within &= ~np.isin(edoc, list(odd_docs))
    j = np.minimum(np.searchsorted(se, ee[within], side="left"), last[edoc[within]])
    np.add.at(join, i[within], 1)
    np.add.at(join, j, -1)
    joined = np.cumsum(join)[:-1] > 0  # sentence k runs on into k + 1
    group_start = np.ones(len(se), dtype=bool)
    group_start[1:] = ~joined[:-1]
    gs = np.flatnonzero(group_start)
    ge = np.append(gs[1:] - 1, len(se) - 1) if len(gs) else gs
    mstart, mend, mdoc = ss[gs], se[ge], sdoc[gs]
    if not odd_docs:
        return mstart, mend, mdoc
    keep_s = ~np.isin(mdoc, list(odd_docs))
    mstart, mend, mdoc = mstart[keep_s], mend[keep_s], mdoc[keep_s]
    e_first = np.searchsorted(edoc, np.arange(nd + 1)).tolist()  # entities by document
    add_s, add_e, add_d = [], [], []
    for d in sorted(odd_docs):
        b, x0, x1 = int(batch.base[d]), e_first[d], e_first[d + 1]
        ents = list(zip((es[x0:x1] - b).tolist(), (ee[x0:x1] - b).tolist()))
        for x, y in _merged_bounds(batch.texts[d], ents, sents[d]):
            add_s.append(x + b)
            add_e.append(y + b)
            add_d.append(d)
    mstart = np.concatenate([mstart, np.asarray(add_s, np.int64)])
    mend = np.concatenate([mend, np.asarray(add_e, np.int64)])
    mdoc = np.concatenate([mdoc, np.asarray(add_d, np.int64)])
    o = np.argsort(mstart, kind="stable")
    return mstart[o], mend[o], mdoc[o]


def _document_columns(batch: _Batch, tags: np.ndarray, sentence_starts: np.ndarray,
                      sentence_ends: np.ndarray, sentence_docs: np.ndarray) -> list[BIOSentences]:
    """Each document's ``BIOSentences``: the non-whitespace tokens' words and tags, and the
    sentences that hold any of them, with their ranges of words."""
    nd = len(batch.texts)
    starts, base = batch.starts, batch.base
    solid = ~batch.space
    count = np.concatenate([[0], np.cumsum(solid)])
    first = np.searchsorted(starts, sentence_starts)
    stop = np.searchsorted(starts, sentence_ends)
    b_idx = np.maximum.accumulate(np.maximum(first, stop)) if len(first) else first
    a_idx = np.maximum(first, np.concatenate([[0], b_idx[:-1]]))
    kept_s = count[b_idx] > count[a_idx]
    tok_first = np.searchsorted(batch.doc, np.arange(nd + 1))  # each document's first token
    word_first = count[tok_first].tolist()
    word_starts, word_ends = starts[solid].tolist(), batch.ends[solid].tolist()
    words = [batch.text[a:b] for a, b in zip(word_starts, word_ends)]
    word_doc_base = base[batch.doc[solid]]  # back to offsets in each word's own text
    local_starts = (starts[solid] - word_doc_base).tolist()
    local_ends = (batch.ends[solid] - word_doc_base).tolist()
    tag_ids = tags[solid].tolist()
    s_first = np.searchsorted(sentence_docs[kept_s], np.arange(nd + 1)).tolist()
    bounds = list(zip((sentence_starts[kept_s] - base[sentence_docs[kept_s]]).tolist(),
                      (sentence_ends[kept_s] - base[sentence_docs[kept_s]]).tolist()))
    ranges = list(zip(count[a_idx[kept_s]].tolist(), count[b_idx[kept_s]].tolist()))
    out = []
    for d in range(nd):
        w0, w1, s0, s1 = word_first[d], word_first[d + 1], s_first[d], s_first[d + 1]
        out.append(BIOSentences(words[w0:w1], tag_ids[w0:w1], bounds[s0:s1],
                                [(a - w0, b - w0) for a, b in ranges[s0:s1]],
                                local_starts[w0:w1], local_ends[w0:w1]))
    return out
