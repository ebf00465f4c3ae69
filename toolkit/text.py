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
