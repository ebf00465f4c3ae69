"""Recover character offsets for strings a model quoted from a text.

Models return surface strings ("Kim Jong Un", a claim's quote), not offsets. ``align`` finds
each string in the text, trying three methods in turn and recording which one worked:

1. ``exact``: the string as is, at word boundaries;
2. ``normalized``: case-, whitespace- and quote/dash-insensitive (curly and straight quotes
   match, runs of whitespace match one space);
3. ``fuzzy``: ``difflib.SequenceMatcher`` ratio against windows of whole words, accepted at or
   above a threshold.

Repeated strings are assigned to successive occurrences in order: the second "Kim" the model
lists gets the second "Kim" in the text. Pure functions, no I/O.

>>> [a.start for a in align("Kim met Kim.", ["Kim", "Kim"])]
[0, 8]
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import accumulate
from typing import Literal

Method = Literal["exact", "normalized", "fuzzy"]
METHODS: tuple[Method, ...] = ("exact", "normalized", "fuzzy")

# One character in, one character out, so normalized offsets map straight back to the text.
_FOLD = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
})
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Aligned:
    """Where a quoted string was found: ``text[start:end]``, and by which method."""

    start: int
    end: int
    method: Method


@dataclass(frozen=True)
class _Normalized:
    text: str
    origin: tuple[int, ...]  # origin[i] = index in the original text of normalized char i


def normalize(text: str) -> _Normalized:
    """Fold case, quotes and dashes, and collapse whitespace runs, keeping a map back.

    >>> normalize("A  \u201cB\u201d").text
    'a "b"'
    """
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if ch.isspace():
            if chars and chars[-1] == " ":
                continue
            ch = " "
        else:
            lower = ch.lower()
            # lower() may lengthen a character (e.g. "İ"); keep it as is to keep the map 1:1
            ch = lower if len(lower) == 1 else ch
            ch = ch.translate(_FOLD)
        chars.append(ch)
        origin.append(i)
    return _Normalized("".join(chars), tuple(origin))


def _normalize_needle(needle: str) -> str:
    return normalize(needle.strip()).text.strip()


def _at_word_boundary(text: str, start: int, end: int) -> bool:
    """True unless the match cuts a word: "Kim" must not match inside "Kimberly"."""
    if start > 0 and text[start].isalnum() and text[start - 1].isalnum():
        return False
    if end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        return False
    return True


def _occurrences(haystack: str, needle: str) -> list[tuple[int, int]]:
    """All (start, end) of ``needle`` in ``haystack`` at word boundaries, overlapping allowed."""
    found, at = [], haystack.find(needle)
    while at != -1:
        end = at + len(needle)
        if _at_word_boundary(haystack, at, end):
            found.append((at, end))
        at = haystack.find(needle, at + 1)
    return found


def _overlaps(span: tuple[int, int], taken: Iterable[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in taken)


def _candidate_windows(norm: str, needle: str, top: int = 3) -> list[tuple[int, int]]:
    """Word-aligned stretches of ``norm`` worth comparing with ``needle`` character by character.

    Windows span the needle's word count give or take a fifth. A short needle is tried
    everywhere (cheap); a long one only around the ``top`` stretches sharing the most words
    with it, which keeps a long quote against a long article to a few hundred comparisons.
    """
    words = [(m.start(), m.end()) for m in _WORD.finditer(norm)]
    n = len(needle.split())
    slack = max(1, n // 5)
    sizes = range(max(1, n - slack), n + slack + 1)
    if n <= 3 or len(words) <= n:
        starts: Iterable[int] = range(len(words))
    else:
        vocabulary = set(needle.split())
        shared = list(accumulate((norm[s:e] in vocabulary for s, e in words), initial=0))
        best = heapq.nlargest(top, range(len(words) - n + 1), key=lambda i: (shared[i + n] - shared[i], -i))
        starts = sorted({j for i in best for j in range(max(0, i - slack), min(len(words), i + slack + 1))})
    return [(words[i][0], words[i + size - 1][1]) for i in starts for size in sizes if i + size <= len(words)]


def _best_fuzzy(norm: str, needle: str, threshold: float,
                accept: Callable[[tuple[int, int]], bool]) -> tuple[int, int] | None:
    """The acceptable candidate window most similar to ``needle`` (first found on ties), if its
    ``SequenceMatcher`` ratio is at least ``threshold``."""
    best, best_ratio = None, threshold
    matcher = SequenceMatcher(autojunk=False)
    matcher.set_seq2(needle)
    for start, end in _candidate_windows(norm, needle):
        matcher.set_seq1(norm[start:end])
        # cheap upper bounds first: most windows are nowhere near
        if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
            continue
        ratio = matcher.ratio()
        if (ratio > best_ratio or (best is None and ratio >= best_ratio)) and accept((start, end)):
            best, best_ratio = (start, end), ratio
    return best


def align(text: str, needles: Sequence[str], *, fuzzy_threshold: float = 0.85,
          allow_overlap: bool = False) -> list[Aligned | None]:
    """Locate each of ``needles`` in ``text``; ``None`` where no method finds it.

    With ``allow_overlap=False`` (mentions: flat, non-nested spans) a string never takes
    characters another string already holds; longer strings are placed first so "Kim Jong Un"
    keeps its "Kim". Claims' quotes may overlap (``allow_overlap=True``) but two items never
    get the very same span. ``fuzzy_threshold`` above 1 turns fuzzy matching off.

    >>> align("Prices rose 5% in May.", ["prices  ROSE 5%", "in may", "in june"])
    [Aligned(start=0, end=14, method='normalized'), Aligned(start=15, end=21, method='normalized'), None]
    """
    results: list[Aligned | None] = [None] * len(needles)
    taken: list[tuple[int, int]] = []  # original-text spans held so far
    norm = normalize(text)

    def free(span: tuple[int, int]) -> bool:
        return span not in taken if allow_overlap else not _overlaps(span, taken)

    def to_original(span: tuple[int, int]) -> tuple[int, int]:
        return norm.origin[span[0]], norm.origin[span[1] - 1] + 1

    def exact(needle: str) -> tuple[int, int] | None:
        return next((s for s in _occurrences(text, needle) if free(s)), None)

    def normalized(needle: str) -> tuple[int, int] | None:
        spans = (to_original(s) for s in _occurrences(norm.text, _normalize_needle(needle)))
        return next((s for s in spans if free(s)), None)

    def fuzzy(needle: str) -> tuple[int, int] | None:
        best = _best_fuzzy(norm.text, _normalize_needle(needle), fuzzy_threshold,
                           accept=lambda s: free(to_original(s)))
        return to_original(best) if best else None

    # Longest first, then in the model's order. Occurrences already held are skipped, so the
    # k-th repeat of a string lands on its k-th free occurrence.
    order = sorted((i for i, n in enumerate(needles) if _normalize_needle(n)),
                   key=lambda i: (-len(needles[i].strip()), i))
    finders: list[tuple[Method, Callable]] = [("exact", exact), ("normalized", normalized)]
    if fuzzy_threshold <= 1.0:
        finders.append(("fuzzy", fuzzy))
    for method, find in finders:
        for i in order:
            if results[i] is None and (span := find(needles[i].strip())) is not None:
                results[i] = Aligned(span[0], span[1], method)
                taken.append(span)
    return results


def alignment_counts(results: Iterable[Aligned | None]) -> dict[str, int]:
    """How many items each method placed, plus ``unaligned``.

    >>> alignment_counts([Aligned(0, 1, "exact"), None])
    {'exact': 1, 'normalized': 0, 'fuzzy': 0, 'unaligned': 1}
    """
    counts = dict.fromkeys((*METHODS, "unaligned"), 0)
    for r in results:
        counts[r.method if r else "unaligned"] += 1
    return counts
