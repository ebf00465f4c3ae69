"""Character offsets for strings quoted from a text: the one alignment the ``llm`` extractor
(its model's answers) and the predictions reader (mentions given by text, without offsets) use.

Models return surface strings ("Kim Jong Un", a claim's quote), not offsets. ``align`` finds
each string in the text, trying these methods in turn and recording which one worked:

1. ``exact``: the string as is, at word boundaries ("Kim" is not found inside "Kimberly");
2. ``normalized``: both sides with case folded, every run of whitespace as one space, curly
   and straight quotes alike (‘ ’ ‚ ‛ ′ ` as ', “ ” „ ‟ ″ « » as ") and dashes alike (‐ ‑ ‒ – — −
   as -); the string's own leading and trailing whitespace never counts;
3. ``fuzzy`` (the extractor only): ``difflib.SequenceMatcher`` ratio against windows of whole
   words, accepted at or above a threshold.

Strings are placed longest first, then in the order given, each on the leftmost occurrence no
other string holds: so "Kim Jong Un" keeps its "Kim", and the second "Kim" a model lists gets
the second free "Kim" of the text. Pure functions, no I/O.

>>> [a.start for a in align("Kim met Kim.", ["Kim", "Kim"])]
[0, 8]
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import accumulate
from typing import Literal, NamedTuple

from ..problems import InputError, Problem, show
from ..schema import Prediction

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


def _occurrences(haystack: str, needle: str, first: bool = False) -> list[tuple[int, int]]:
    """All (start, end) of ``needle`` in ``haystack`` at word boundaries, overlapping allowed
    (``first``: only the first)."""
    found, at = [], haystack.find(needle)
    while at != -1:
        end = at + len(needle)
        if _at_word_boundary(haystack, at, end):
            found.append((at, end))
            if first:
                break
        at = haystack.find(needle, at + 1)
    return found


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


class _Held:
    """The spans strings hold so far: the very spans (a set) and the characters they cover (a
    bytearray, so an overlap test is one C-level search however many spans are held)."""

    def __init__(self, length: int) -> None:
        self.spans: set[tuple[int, int]] = set()
        self.covered = bytearray(length)

    def overlaps(self, span: tuple[int, int]) -> bool:
        return 1 in self.covered[span[0]:span[1]]

    def add(self, span: tuple[int, int]) -> None:
        self.spans.add(span)
        self.covered[span[0]:span[1]] = b"\x01" * (span[1] - span[0])


def align(text: str, needles: Sequence[str], *, fuzzy_threshold: float = 0.85,
          allow_overlap: bool = False, overlap_fallback: bool = False,
          held: Iterable[tuple[int, int]] = ()) -> list[Aligned | None]:
    """Locate each of ``needles`` in ``text``; ``None`` where no method finds it.

    With ``allow_overlap=False`` (mentions: flat, non-nested spans) a string never takes
    characters another string already holds; longer strings are placed first so "Kim Jong Un"
    keeps its "Kim". Claims' quotes may overlap (``allow_overlap=True``) but two items never
    get the very same span. ``overlap_fallback`` (scoring a system's mentions) is the first
    rule, then the second for strings left over: a string whose every occurrence overlaps one
    already placed takes the leftmost that no string holds exactly, so n strings that occur k
    times are all placed up to k. ``held``: spans held before any string is placed (the
    mentions a line gives with offsets). ``fuzzy_threshold`` above 1 turns fuzzy matching off.

    >>> align("Prices rose 5% in May.", ["prices  ROSE 5%", "in may", "in june"])
    [Aligned(start=0, end=14, method='normalized'), Aligned(start=15, end=21, method='normalized'), None]
    """
    results: list[Aligned | None] = [None] * len(needles)
    given, held = held, _Held(len(text))
    for span in given:
        held.add(span)
    norm: _Normalized | None = None  # made on first use: most strings are found as they are
    found: dict[tuple[str, str], list[tuple[int, int]]] = {}  # (method, needle) -> occurrences
    # (method, needle, test) -> the first occurrence that test may still accept: what it
    # refused once it refuses for good (spans are only ever added), so n repeats of a string
    # with k occurrences cost n + k steps, not n * k
    cursor: dict[tuple[str, str, Callable], int] = {}

    def occurrences(method: str, needle: str) -> list[tuple[int, int]]:
        nonlocal norm
        key = (method, needle)
        if key not in found:
            if method == "exact":
                found[key] = _occurrences(text, needle)
            else:
                norm = norm or normalize(text)
                found[key] = [(norm.origin[s], norm.origin[e - 1] + 1) for s, e in
                              _occurrences(norm.text, _normalize_needle(needle))]
        return found[key]

    def free(span: tuple[int, int]) -> bool:
        return span not in held.spans and (allow_overlap or not held.overlaps(span))

    def not_same(span: tuple[int, int]) -> bool:
        return span not in held.spans

    def fuzzy(needle: str, accept: Callable) -> tuple[int, int] | None:
        nonlocal norm
        norm = norm or normalize(text)

        def to_original(s: tuple[int, int]) -> tuple[int, int]:
            return norm.origin[s[0]], norm.origin[s[1] - 1] + 1

        best = _best_fuzzy(norm.text, _normalize_needle(needle), fuzzy_threshold,
                           accept=lambda s: accept(to_original(s)))
        return to_original(best) if best else None

    # Longest first, then in the given order. Occurrences already held are skipped, so the
    # k-th repeat of a string lands on its k-th free occurrence.
    order = sorted((i for i, n in enumerate(needles) if _normalize_needle(n)),
                   key=lambda i: (-len(needles[i].strip()), i))
    passes: list[tuple[Method, Callable]] = [("exact", free), ("normalized", free)]
    if fuzzy_threshold <= 1.0:
        passes.append(("fuzzy", free))
    if overlap_fallback and not allow_overlap:
        passes += [("exact", not_same), ("normalized", not_same)]
    for method, accept in passes:
        for i in order:
            if results[i] is not None:
                continue
            needle = needles[i].strip()
            if method == "fuzzy":
                span = fuzzy(needle, accept)
            else:
                spans, key = occurrences(method, needle), (method, needle, accept)
                k = cursor.get(key, 0)
                while k < len(spans) and not accept(spans[k]):
                    k += 1
                span, cursor[key] = (spans[k], k + 1) if k < len(spans) else (None, k)
            if span is not None:
                results[i] = Aligned(span[0], span[1], method)
                held.add(span)
    return results


def occurs(text: str, needle: str, normalized_text: str | None = None) -> bool:
    """Whether ``needle`` stands anywhere in ``text`` at word boundaries, as it is or normalized
    (``align``'s first two methods), whoever holds that place. ``normalized_text``:
    ``normalize(text).text``, where the caller has it (a long text is normalized once).

    >>> occurs("Kim met Lavrov.", "LAVROV"), occurs("Kimberly left.", "Kim")
    (True, False)
    """
    needle = needle.strip()
    if not needle:
        return False
    if _occurrences(text, needle, first=True):
        return True
    if normalized_text is None:
        normalized_text = normalize(text).text
    return bool(_occurrences(normalized_text, _normalize_needle(needle), first=True))


def alignment_counts(results: Iterable[Aligned | None]) -> dict[str, int]:
    """How many items each method placed, plus ``unaligned``.

    >>> alignment_counts([Aligned(0, 1, "exact"), None])
    {'exact': 1, 'normalized': 0, 'fuzzy': 0, 'unaligned': 1}
    """
    counts = dict.fromkeys((*METHODS, "unaligned"), 0)
    for r in results:
        counts[r.method if r else "unaligned"] += 1
    return counts


# --- predictions that give mentions by text -----------------------------------------------------

#: Why a mention given by text has no place: its string stands nowhere in the text, or the text
#: has fewer occurrences than the mentions giving that string.
HALLUCINATION, REPEAT = "hallucination", "repeat"


class Unplaced(NamedTuple):
    """A predicted mention given by text with no place in its document (scored as spurious)."""

    doc_id: str
    index: int  # in the line's mentions
    text: str
    label: str
    entity: str | None
    reason: str  # HALLUCINATION or REPEAT


@dataclass
class Placement:
    """What placing a file's mentions given by text did: how many each method placed, and
    those left without a place (``unplaced``), in file order."""

    exact: int = 0
    normalized: int = 0
    unplaced: list[Unplaced] = field(default_factory=list)

    @property
    def mentions(self) -> int:
        """The mentions given by text."""
        return self.exact + self.normalized + len(self.unplaced)

    def by_document(self) -> dict[str, list[Unplaced]]:
        """doc id -> its unplaced mentions."""
        out: dict[str, list[Unplaced]] = {}
        for u in self.unplaced:
            out.setdefault(u.doc_id, []).append(u)
        return out


def place_strings(text: str, strings: Sequence[str], held: Sequence[tuple[int, int]] = ()
                  ) -> list[Aligned | None]:
    """Where each mention given by its string goes in ``text`` (None: no place), the rule of
    ``place_mentions`` (below; docs/scoring.md): ``held`` are the spans the document's mentions
    with offsets hold. Every reader of mentions given by text places them by this one rule."""
    return align(text, strings, fuzzy_threshold=2.0, overlap_fallback=True, held=list(held))


def unplaced_reason(text: str, string: str, normalized_text: str | None = None) -> str:
    """Why ``string`` has no place in ``text``: ``REPEAT`` when it stands there (the text holds
    it fewer times than it was given), else ``HALLUCINATION``."""
    return REPEAT if occurs(text, string, normalized_text) else HALLUCINATION


def place_mentions(predictions: Sequence[Prediction], texts: dict[str, str], shown: str
                   ) -> tuple[list[Prediction], Placement | None]:
    """The predictions with every mention given by text (``text`` and ``label``, no offsets)
    placed in its document's text, and what was done (None when no mention needed it).

    The rule (docs/scoring.md): ``align``'s exact then normalized methods, no fuzzy matching,
    longest string first, each on the leftmost occurrence no other mention holds (the line's
    mentions with offsets hold theirs from the start), else on one that only overlaps others
    (``overlap_fallback``): n mentions of a string that occurs k times place min(n, k). A placed
    mention gets the offsets and the text's own characters as ``text``. One with no place is
    left out of its line and listed in the Placement, a ``HALLUCINATION`` when its string stands
    nowhere in the text, else a ``REPEAT``. A mention given by text in a document whose text is
    unknown raises ``InputError`` naming ``shown`` (the file), the document and the mention.
    """
    if all(m.start is not None for p in predictions for m in p.mentions):
        return list(predictions), None
    placement, out = Placement(), []
    for prediction in predictions:
        by_text = [i for i, m in enumerate(prediction.mentions) if m.start is None]
        if not by_text:
            out.append(prediction)
            continue
        text = texts.get(prediction.doc_id)
        mentions = prediction.mentions
        if text is None:
            first = mentions[by_text[0]]
            raise InputError(shown, str(Problem(
                shown, f"doc_id {prediction.doc_id}", f"mentions[{by_text[0]}]",
                f"a mention given by text only ({show(first.text)}) and no text of the document",
                "start and end offsets, or --gold with the documents' texts (a corpus folder)")
            ).removeprefix(shown + ": "))
        found = place_strings(text, [mentions[i].text for i in by_text],
                              [(m.start, m.end) for m in mentions if m.start is not None])
        placed = dict(zip(by_text, found))
        kept, normalized_text, reasons = [], None, {}
        for i, m in enumerate(mentions):
            if i not in placed:
                kept.append(m)
            elif (where := placed[i]) is not None:
                kept.append(m.model_copy(update={"start": where.start, "end": where.end,
                                                 "text": text[where.start:where.end]}))
                if where.method == "exact":
                    placement.exact += 1
                else:
                    placement.normalized += 1
            else:
                if normalized_text is None:  # the document's, once
                    normalized_text = normalize(text).text
                if m.text not in reasons:  # each string's, once
                    reasons[m.text] = unplaced_reason(text, m.text, normalized_text)
                reason = reasons[m.text]
                placement.unplaced.append(Unplaced(prediction.doc_id, i, m.text, m.label,
                                                   m.entity, reason))
        out.append(prediction.model_copy(update={"mentions": kept}))
    return out, placement
