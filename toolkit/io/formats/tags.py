"""Tag schemes: a column of BIO-style tags (CoNLL files, Hugging Face token datasets) as chunks.

A tag is ``O`` or ``P-LABEL``: a prefix, a hyphen, a label (``B-PER``, ``I-ORG``). The
schemes, and how each is read (a chunk never runs across a sentence or a document):

- ``IOB2`` (BIO): ``B-X`` begins a chunk, ``I-X`` continues a chunk of X. Strict: an ``I-X``
  that does not continue one (after ``O``, after another label, first in a sentence) is an
  error.
- ``IOB1``: ``I-X`` continues a chunk of X where there is one, and begins one where there is
  not; ``B-X`` begins a chunk (IOB1 writes it only between two adjacent chunks of X, but what
  it means elsewhere is not in doubt, so it is accepted there too). This is how conlleval,
  and seqeval's default mode, read any BIO file; nothing is an error.
- ``BIOES`` (also called IOBES): ``B-X`` begins, ``I-X`` continues, ``E-X`` ends a chunk of
  several tokens, ``S-X`` is a chunk of one. Strict: ``I-X``/``E-X`` that continue nothing,
  and ``B-X``/``I-X`` not followed by ``I-X``/``E-X``, are errors.
- ``BILOU``: BIOES with ``L-`` for ``E-`` and ``U-`` for ``S-``.
- ``auto``: BIOES if an ``E-`` or ``S-`` prefix occurs, BILOU if ``L-`` or ``U-`` does (both is
  an error), else IOB2, or IOB1 when some ``I-X`` begins a chunk (said in a note: pass
  ``--scheme IOB2`` to have that refused instead).

In strict mode seqeval drops the chunks of an ill-formed sequence without a word; here they are
errors, so on well-formed tags the chunks are seqeval's (mode="strict", the matching scheme),
and on IOB1 they are conlleval's. Everything is computed on arrays (numpy): no loop over tokens.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: prefix codes; L and U are BILOU's E and S
O, B, I, E, S, L, U = range(7)
PREFIX_CODES = {"B": B, "I": I, "E": E, "S": S, "L": L, "U": U}
#: the prefixes each scheme writes
SCHEME_PREFIXES = {"IOB1": {O, B, I}, "IOB2": {O, B, I}, "BIOES": {O, B, I, E, S},
                   "BILOU": {O, B, I, L, U}}
_TAG = re.compile(r"([BIESLU])-(\S+)")
_SHAPE = {"IOB1": "O, B-X, I-X", "IOB2": "O, B-X, I-X", "BIOES": "O, B-X, I-X, E-X, S-X",
          "BILOU": "O, B-X, I-X, L-X, U-X"}


class TagError(ValueError):
    """An ill-formed tag or sequence at token ``index``: what was found, what was expected."""

    def __init__(self, index: int, found: str, expected: str):
        self.index, self.found, self.expected = index, found, expected
        super().__init__(f"token {index}: found {found}, expected {expected}")


@dataclass(frozen=True)
class Chunks:
    """The chunks of a tag column: token ranges ``[first, stop)`` with a label (an index into
    ``labels``), in token order; the scheme they were read in, and (auto only) the first token
    where an ``I-`` tag began a chunk, which made the scheme IOB1."""

    first: np.ndarray
    stop: np.ndarray
    label: np.ndarray
    labels: list[str]
    scheme: str
    iob1_at: int | None = None

    def iob1_note(self, source: str, where: str) -> str:
        """The note a reader gives when ``iob1_at`` is set (``where``: that token's place in
        the source, ``line 12`` or ``row 3``)."""
        return (f"{source}: tags read as IOB1 (an I- tag begins a chunk where it continues none, "
                f"as conlleval reads it), first at {where}; --scheme IOB2 refuses such tags")


def decode(tag_ids: np.ndarray, tag_names: Sequence[str], sentence: np.ndarray,
           scheme: str = "auto") -> Chunks:
    """The chunks of a tag column: ``tag_ids`` index ``tag_names``; ``sentence`` numbers each
    token's sentence (tokens of one sentence are adjacent). Raises ``TagError``."""
    labels, prefix_of, label_of = _parse_names(tag_ids, tag_names)
    prefix, label = prefix_of[tag_ids], label_of[tag_ids]
    tags = _Column(prefix, label, sentence, tag_ids, list(tag_names))
    iob1_at = None
    if scheme == "auto":
        scheme, iob1_at = tags.detect()
    tags.check_prefixes(scheme)
    continues = tags.continues(scheme)
    if scheme in ("IOB2", "BIOES", "BILOU"):
        tags.check_sequence(scheme, continues)
    starts = np.flatnonzero((label >= 0) & ~continues)
    breaks = np.flatnonzero(~continues)
    at = np.searchsorted(breaks, starts, side="right")
    stop = np.where(at < len(breaks), breaks[np.minimum(at, len(breaks) - 1)], len(prefix))
    return Chunks(starts, stop, label[starts], labels, scheme, iob1_at)


def _parse_names(tag_ids: np.ndarray, names: Sequence[str]):
    """``(labels, prefix code of each name, label index of each name (-1: O))``; a name that is
    no tag raises ``TagError`` at its first token."""
    labels: dict[str, int] = {}
    prefix_of = np.zeros(len(names), dtype=np.int8)
    label_of = np.full(len(names), -1, dtype=np.int32)
    for k, name in enumerate(names):
        if name == "O":
            continue
        match = _TAG.fullmatch(name)
        if match is None:
            index = int(np.argmax(tag_ids == k))
            raise TagError(index, f"tag {name!r}", "O or a prefix (B, I, E, S, L, U), a hyphen "
                           "and a label, e.g. B-PER")
        prefix_of[k] = PREFIX_CODES[match[1]]
        label_of[k] = labels.setdefault(match[2], len(labels))
    return list(labels), prefix_of, label_of


@dataclass
class _Column:
    """A tag column as arrays, with the tags around each token for the rules and messages."""

    prefix: np.ndarray
    label: np.ndarray
    sentence: np.ndarray
    tag_ids: np.ndarray
    names: list[str]

    def __post_init__(self) -> None:
        n = len(self.prefix)
        self.same_sentence = np.zeros(n, dtype=bool)  # token i is in the sentence of i - 1
        self.same_sentence[1:] = self.sentence[1:] == self.sentence[:-1]
        self.prev_prefix = np.concatenate(([O], self.prefix[:-1])).astype(np.int8)
        self.prev_label = np.concatenate(([-1], self.label[:-1])).astype(np.int32)

    def detect(self) -> tuple[str, int | None]:
        """The scheme ``auto`` reads the column in, and where an I- tag made it IOB1."""
        present = set(np.unique(self.prefix).tolist())
        if present & {E, S} and present & {L, U}:
            first = int(np.argmax(np.isin(self.prefix, [L, U])))
            raise TagError(first, f"{self._shown(first)} in a column with E- or S- tags",
                           "one scheme (BIOES: E- and S-; BILOU: L- and U-)")
        if present & {E, S}:
            return "BIOES", None
        if present & {L, U}:
            return "BILOU", None
        begins = (self.prefix == I) & ~self.continues("IOB2")
        if begins.any():
            return "IOB1", int(np.argmax(begins))
        return "IOB2", None

    def check_prefixes(self, scheme: str) -> None:
        """Every prefix must be one the scheme writes."""
        wrong = ~np.isin(self.prefix, list(SCHEME_PREFIXES[scheme]))
        if wrong.any():
            first = int(np.argmax(wrong))
            raise TagError(first, f"tag {self._name(first)!r}",
                           f"a tag of {scheme} ({_SHAPE[scheme]})")

    def continues(self, scheme: str) -> np.ndarray:
        """Whether each token continues the chunk of the token before it."""
        if scheme in ("IOB1", "IOB2"):
            inner = self.prefix == I
            opener = np.isin(self.prev_prefix, [B, I])
        else:
            inner = np.isin(self.prefix, [I, E, L])
            opener = np.isin(self.prev_prefix, [B, I])
        return (inner & opener & self.same_sentence & (self.label == self.prev_label)
                & (self.label >= 0))

    def check_sequence(self, scheme: str, continues: np.ndarray) -> None:
        """The strict rules: an inside or end tag must continue a chunk; in BIOES and BILOU a
        begin or inside tag must be continued."""
        inner = [I] if scheme == "IOB2" else [I, E, L]
        orphan = np.isin(self.prefix, inner) & ~continues
        unclosed = np.zeros(len(self.prefix), dtype=bool)
        if scheme != "IOB2":
            unclosed = np.isin(self.prefix, [B, I]) & ~np.append(continues[1:], False)
        if not orphan.any() and not unclosed.any():
            return
        first_orphan = int(np.argmax(orphan)) if orphan.any() else len(orphan)
        first_unclosed = int(np.argmax(unclosed)) if unclosed.any() else len(unclosed)
        if first_orphan <= first_unclosed:
            k = first_orphan
            x = self._label_of(k)
            begin = {"IOB2": f"B-{x}", "BIOES": f"B-{x} or S-{x}", "BILOU": f"B-{x} or U-{x}"}
            hint = ("; --scheme IOB1 reads such a tag as beginning a chunk, as conlleval does"
                    if scheme == "IOB2" else "")
            raise TagError(k, self._shown(k), f"{begin[scheme]} ({self._name(k)} only "
                           f"continues a chunk of {x} in {scheme}{hint})")
        k = first_unclosed
        x = self._label_of(k)
        end = "E" if scheme == "BIOES" else "L"
        after = k + 1
        if after < len(self.prefix) and self.same_sentence[after]:
            found = f"{self._name(after)!r} after {self._name(k)!r}"
            raise TagError(after, found, f"I-{x} or {end}-{x} (in {scheme} a chunk of "
                           f"several tokens ends with {end}-, one of one token is "
                           f"{'S' if scheme == 'BIOES' else 'U'}-)")
        raise TagError(k, f"the sentence ending after {self._name(k)!r}",
                       f"I-{x} or {end}-{x} next (in {scheme} a chunk of several tokens ends "
                       f"with {end}-)")

    def _name(self, k: int) -> str:
        return self.names[int(self.tag_ids[k])]

    def _label_of(self, k: int) -> str:
        return self._name(k).split("-", 1)[1]

    def _shown(self, k: int) -> str:
        """Token ``k``'s tag and what is before it: ``'I-PER' after 'O'``."""
        if k == 0 or not self.same_sentence[k]:
            return f"{self._name(k)!r} first in a sentence"
        return f"{self._name(k)!r} after {self._name(k - 1)!r}"
