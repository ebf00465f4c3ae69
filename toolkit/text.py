"""Sentence boundaries, shared by the scorer (sentence-level claims, bootstrap units), the
error listing and the exports. Rule-based (spaCy's sentencizer on a blank pipeline), so it is
fast, deterministic and needs no model."""

from __future__ import annotations

from functools import lru_cache

from .runtime import import_extra, installed


@lru_cache(maxsize=1)
def blank_english():
    """spaCy's blank English pipeline plus the rule-based sentencizer: the one tokenizer and
    sentence splitter the scorer, the agreement and the exports share (no model needed).
    spaCy is the ``spacy`` extra: ``MissingExtraError`` without it."""
    nlp = import_extra("spacy", "tokenizing (sentences, tokens)").blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def can_split() -> bool:
    """Whether sentence boundaries can be computed in this install (spaCy, the ``spacy`` extra,
    is there; nothing is imported to tell): the scorer counts sentence-level claims and
    resamples sentences only then."""
    return installed("spacy")


@lru_cache(maxsize=4096)
def sentences(text: str) -> tuple[tuple[int, int], ...]:
    """Character ``(start, end)`` of each sentence; blank lines split sentences too.

    >>> sentences("One. Two.")
    ((0, 4), (5, 9))
    """
    out: list[tuple[int, int]] = []
    offsets, blocks, offset = [], [], 0
    for block in text.split("\n"):
        if block.strip():
            offsets.append(offset)
            blocks.append(block)
        offset += len(block) + 1
    nlp = blank_english()
    sentencizer = nlp.get_pipe("sentencizer")
    # the pipeline's two steps on each block, as nlp.pipe runs them, without its per-document
    # generator chain (the exports call this once per document)
    for offset, doc in zip(offsets, nlp.tokenizer.pipe(blocks)):
        for sent in sentencizer(doc).sents:
            s, e = sent.start_char + offset, sent.end_char + offset
            # trim trailing whitespace so spans are the visible sentence
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                out.append((s, e))
    return tuple(out)


@lru_cache(maxsize=4096)
def _sentence_starts(text: str) -> tuple[int, ...]:
    return tuple(s for s, _ in sentences(text))


def sentence_index(text: str, offset: int) -> int:
    """Index of the sentence holding character ``offset`` (the nearest before it if between).

    >>> sentence_index("One. Two.", 6)
    1
    """
    import bisect

    # called once per span by the scorer: the starts are computed once per text, not per call
    return max(bisect.bisect_right(_sentence_starts(text), offset) - 1, 0)


@lru_cache(maxsize=1)
def _punct_table():
    """A boolean per code point: is it one of the sentencizer's ``punct_chars`` (all single
    characters)."""
    import numpy as np

    chars = blank_english().get_pipe("sentencizer").punct_chars
    assert all(len(c) == 1 for c in chars)
    table = np.zeros(0x110000, dtype=bool)
    table[[ord(c) for c in chars]] = True
    return table


def token_array(tokens):
    """``IDX``, ``LENGTH``, ``IS_SPACE``, ``IS_PUNCT`` of each token of a ``Doc``, as int64
    rows (one ``to_array`` for the sentences and the exports' BIO columns)."""
    import numpy as np

    attrs = import_extra("spacy.attrs", "tokenizing (sentences, tokens)")
    return tokens.to_array([attrs.IDX, attrs.LENGTH, attrs.IS_SPACE, attrs.IS_PUNCT]).astype(np.int64).reshape(-1, 4)


def sentences_of(text: str, tokens, array=None) -> tuple[tuple[int, int], ...]:
    """``sentences(text)`` from ``tokens``, the blank tokenizer's ``Doc`` of the whole ``text``
    (which a caller that tokenizes the text anyway has): no second tokenization per block.
    ``array``: ``token_array(tokens)``, if at hand. ``sentences_batch`` of one text."""
    return sentences_batch([text], [token_array(tokens) if array is None else array])[0]


def sentences_batch(texts: list[str], arrays: list) -> list[tuple[tuple[int, int], ...]]:
    """``sentences(text)`` of each text of a batch, from its tokens (``arrays``: their
    ``token_array``), computed with one set of array operations on the tokens laid end to end
    (text ``d``'s characters shifted by the lengths of the texts before it).

    Whitespace and non-whitespace runs are separate tokens, tokenized on their own, so a
    block's tokens are the text's, except that a whitespace token holding a newline is cut
    there: its piece before the first newline ends a block, its piece after the last one
    starts the next. The sentencizer's rule per block: its first piece starts a sentence,
    and after a ``punct_chars`` token so does the next token that is neither punctuation nor
    in ``punct_chars``. Whitespace tokens are such tokens, so that next token is never past a
    newline token; when it is one, the sentence it would start holds only whitespace (the
    piece before the newline) and is dropped, as are blocks of whitespace. So: sentences
    start at each text's first token, after the last newline of each newline token, and at
    the token the rule finds (unless a newline token), and run to the end of their last
    non-whitespace token (the trimmed end); nothing runs on into the next text."""
    import numpy as np

    nd = len(texts)
    ntok = np.fromiter(map(len, arrays), np.int64, nd)
    n = int(ntok.sum())
    if not n:
        return [() for _ in texts]
    base = np.concatenate([[0], np.cumsum([len(t) for t in texts])]).astype(np.int64)
    tok_first = np.concatenate([[0], np.cumsum(ntok)])
    tdoc = np.repeat(np.arange(nd), ntok)
    array = np.concatenate(arrays)
    starts, lengths = array[:, 0] + base[tdoc], array[:, 1]
    ends = starts + lengths
    space = array[:, 2].astype(bool)
    dend = tok_first[1:][tdoc]  # past each token's text's last token
    codes = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    in_punct = (lengths == 1) & _punct_table()[codes[starts]]
    candidate = ~array[:, 3].astype(bool) & ~in_punct
    newlines = np.flatnonzero(codes == 10)
    before = np.searchsorted(newlines, ends)
    breaks = np.flatnonzero(space & (before > np.searchsorted(newlines, starts)))
    breaks = breaks[breaks + 1 < dend[breaks]]
    following = np.where(candidate, np.arange(n), n)
    following = np.minimum.accumulate(following[::-1])[::-1]
    punct = np.flatnonzero(in_punct)
    punct = punct[punct + 1 < dend[punct]]
    found = following[punct + 1]
    found = np.unique(found[found < dend[punct]])
    is_break = np.zeros(n + 1, dtype=bool)
    is_break[breaks] = True
    found = found[~is_break[found]]
    heads = tok_first[:-1][ntok > 0]  # each non-empty text's first token
    first = np.concatenate([heads, breaks + 1, found])
    first_char = np.concatenate([starts[heads], newlines[before[breaks] - 1] + 1, starts[found]])
    order = np.argsort(first, kind="stable")
    first, first_char = first[order], first_char[order]
    stop = np.append(first[1:], n)
    last_solid = np.maximum.accumulate(np.where(space, -1, np.arange(n)))[stop - 1]
    kept = last_solid >= first
    sdoc = tdoc[first[kept]]
    s = (first_char[kept] - base[sdoc]).tolist()
    e = (ends[last_solid[kept]] - base[sdoc]).tolist()
    bounds = np.searchsorted(sdoc, np.arange(nd + 1)).tolist()
    pairs = list(zip(s, e))
    return [tuple(pairs[bounds[d]:bounds[d + 1]]) for d in range(nd)]
