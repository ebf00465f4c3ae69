"""Sentence boundaries, shared by the scorer (sentence-level claims, bootstrap units), the
error report and the exports. Rule-based (spaCy's sentencizer on a blank pipeline), so it is
fast, deterministic and needs no model."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def blank_english():
    """spaCy's blank English pipeline plus the rule-based sentencizer: the one tokenizer and
    sentence splitter the scorer, the agreement and the exports share (no model needed)."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


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
    rows (one ``to_array`` for ``sentences_of`` and the exports' BIO columns)."""
    import numpy as np

    from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH

    return tokens.to_array([IDX, LENGTH, IS_SPACE, IS_PUNCT]).astype(np.int64).reshape(-1, 4)


def sentences_of(text: str, tokens, array=None) -> tuple[tuple[int, int], ...]:
    """``sentences(text)`` from ``tokens``, the blank tokenizer's ``Doc`` of the whole ``text``
    (which a caller that tokenizes the text anyway has): no second tokenization per block.

    Whitespace and non-whitespace runs are separate tokens, tokenized on their own, so the
    blocks' tokens are the text's, with a whitespace token that holds a newline cut at it
    (the piece before the first newline ends one block, the piece after the last one starts
    the next). On those pieces this runs the sentencizer's rule per block: the first token of
    a block starts a sentence, and after a ``punct_chars`` token so does the next token of the
    block that is neither punctuation nor in ``punct_chars``. A sentence runs to the end of its last
    non-whitespace token (the trimmed end). ``array``: ``token_array(tokens)``, if at hand."""
    import numpy as np

    if not len(tokens):
        return ()
    if array is None:
        array = token_array(tokens)
    starts, lengths = array[:, 0], array[:, 1]
    ends = starts + lengths
    space = array[:, 2].astype(bool)
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    # (one code per code point: spaCy's offsets)
    in_punct = (lengths == 1) & _punct_table()[codes[starts]]  # token.text in punct_chars
    candidate = ~array[:, 3].astype(bool) & ~in_punct  # may start a sentence
    # the whitespace tokens that hold a newline, cut into the pieces the blocks have
    extra_starts, extra_ends, drop = [], [], []
    for i in np.flatnonzero(space).tolist():
        s, e = int(starts[i]), int(ends[i])
        first = text.find("\n", s, e)
        if first < 0:
            continue
        drop.append(i)
        last = text.rfind("\n", s, e)
        if first > s:
            extra_starts.append(s)
            extra_ends.append(first)
        if last + 1 < e:
            extra_starts.append(last + 1)
            extra_ends.append(e)
    if drop:
        keep = np.ones(len(starts), dtype=bool)
        keep[drop] = False
        n_extra = len(extra_starts)
        starts = np.concatenate([starts[keep], np.asarray(extra_starts, dtype=np.int64)])
        ends = np.concatenate([ends[keep], np.asarray(extra_ends, dtype=np.int64)])
        space = np.concatenate([space[keep], np.ones(n_extra, dtype=bool)])
        in_punct = np.concatenate([in_punct[keep], np.zeros(n_extra, dtype=bool)])
        candidate = np.concatenate([candidate[keep], np.ones(n_extra, dtype=bool)])
        order = np.argsort(starts, kind="stable")
        starts, ends, space = starts[order], ends[order], space[order]
        in_punct, candidate = in_punct[order], candidate[order]
    n = len(starts)
    if not n:
        return ()
    # block of each piece: the newlines before it
    block = np.searchsorted(np.flatnonzero(codes == 10), starts, side="right")
    is_start = np.zeros(n, dtype=bool)
    is_start[0] = True
    is_start[1:] = block[1:] != block[:-1]
    # after a punct_chars token, the next candidate of the same block starts a sentence
    following = np.where(candidate, np.arange(n), n)
    following = np.minimum.accumulate(following[::-1])[::-1]  # first candidate at or after i
    punct_at = np.flatnonzero(in_punct[:-1])
    nxt = following[punct_at + 1]
    found = nxt < n
    punct_at, nxt = punct_at[found], nxt[found]
    is_start[nxt[block[nxt] == block[punct_at]]] = True
    # a sentence: from its first piece to the end of its last non-whitespace piece (none: no
    # sentence, as the trim leaves nothing)
    first = np.flatnonzero(is_start)
    stop = np.append(first[1:], n)
    last_solid = np.maximum.accumulate(np.where(space, -1, np.arange(n)))[stop - 1]
    kept = last_solid >= first
    return tuple(zip(starts[first[kept]].tolist(), ends[last_solid[kept]].tolist()))
