"""Token formats (CoNLL columns, Hugging Face token datasets): the text rebuilt from the tokens,
and tag sequences decoded into spans. Every token reader uses these, so they all agree on the
text and on what a tag sequence means.

The whitespace rule (``join_tokens``): the tokens of a sentence are joined by one space, and
sentences by one newline. The original spacing is not in these formats: a text rebuilt this
way has ``"Kim , 71 ."`` where the article had ``"Kim, 71."``. Predictions on the same tokens
align exactly (their text is rebuilt the same way); the token offsets are kept so a reader of
predictions on other tokens can name the first token that differs.

Tag schemes (``decode``), a tag being ``O`` or ``PREFIX-LABEL``:

- ``iob2`` (alias ``bio``): ``B-X`` begins an entity, ``I-X`` continues one of label X;
- ``iob1``: ``I-X`` begins an entity unless it continues one of label X; ``B-X`` begins one
  only right after another entity of label X (the original CoNLL-2003 files);
- ``bioes`` (aliases ``iobes``, ``bilou``): ``B-X`` begins, ``I-X`` continues, ``E-X`` (or
  ``L-X``) ends, ``S-X`` (or ``U-X``) is a one-token entity.

Decoding is strict: a sequence the scheme does not allow (``I-X`` after ``O`` in IOB2, ``B-X``
after ``O`` in IOB1, an entity left open in BIOES) is a ``TagError`` naming the token, never a
guess (seqeval's strict mode drops such entities silently). ``detect_scheme`` picks the
scheme from the tags when the user does not name one.

>>> decode(["B-PER", "I-PER", "O", "B-LOC"], "iob2")
[(0, 2, 'PER'), (3, 4, 'LOC')]
>>> join_tokens([["Kim", "met", "Lavrov"], ["He", "left"]])[0]
'Kim met Lavrov\\nHe left'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

#: the scheme names ``--scheme`` takes (besides ``auto``), each with the scheme it means
SCHEME_NAMES: dict[str, str] = {"iob1": "iob1", "iob2": "iob2", "bio": "iob2",
                                "bioes": "bioes", "iobes": "bioes", "bilou": "bioes"}
#: prefixes of each scheme (``L``/``U`` are BILOU's ``E``/``S``)
PREFIXES: dict[str, str] = {"iob1": "BI", "iob2": "BI", "bioes": "BIESLU"}
OUTSIDE = "O"
SENTENCE_SEPARATOR = "\n"
TOKEN_SEPARATOR = " "


class TagError(ValueError):
    """A tag sequence the scheme does not allow: the token's index, what was found there and
    what the scheme expects (the reader adds the file and the line or row)."""

    def __init__(self, index: int, found: str, expected: str):
        self.index, self.found, self.expected = index, found, expected
        super().__init__(f"token {index}: found {found}, expected {expected}")


def scheme_named(name: str) -> str:
    """The scheme a ``--scheme`` value names (``auto`` stays ``auto``); ValueError otherwise."""
    key = name.lower()
    if key == "auto":
        return key
    if key not in SCHEME_NAMES:
        raise ValueError(f"found scheme {name!r}, expected auto or one of "
                         f"{', '.join(SCHEME_NAMES)}")
    return SCHEME_NAMES[key]


def split_tag(tag: str) -> tuple[str, str]:
    """``("B", "PER")`` for ``B-PER``, ``("O", "")`` for ``O``; ValueError for anything else."""
    if tag == OUTSIDE:
        return OUTSIDE, ""
    prefix, sep, label = tag.partition("-")
    if not sep or len(prefix) != 1 or prefix not in PREFIXES["bioes"] or not label:
        raise ValueError(f"found tag {tag!r}, expected O or PREFIX-LABEL with a prefix of "
                         f"{', '.join(PREFIXES['bioes'])} (e.g. B-PER)")
    return prefix, label


def detect_scheme(sequences: Iterable[Sequence[str]]) -> tuple[str, str]:
    """The scheme of these tag sequences, and why: ``bioes`` if any tag has an ``E``, ``S``,
    ``L`` or ``U`` prefix; else ``iob1`` if an ``I-`` tag begins an entity (after ``O``, at the
    start of a sentence, or after another label), which IOB2 never does; else ``iob2``."""
    for n, tags in enumerate(sequences):
        previous = ""
        for k, tag in enumerate(tags):
            prefix, label = split_tag(tag)
            if prefix in "ESLU":
                return "bioes", f"a {prefix}- tag ({tag!r}, sentence {n + 1}, token {k + 1})"
            if prefix == "I" and previous != label:
                return "iob1", (f"an I- tag begins an entity ({tag!r}, sentence {n + 1}, "
                                f"token {k + 1})")
            previous = label
    return "iob2", "no I- tag begins an entity and no E-, S-, L- or U- tag"


def decode(tags: Sequence[str], scheme: str) -> list[tuple[int, int, str]]:
    """The entities of one sentence's tags: ``(first token, last token + 1, label)``, in
    order. ``scheme``: ``iob1``, ``iob2`` or ``bioes`` (see ``scheme_named``)."""
    # one pass over every token of a file (300,000 for CoNLL-2003): kept in one loop
    allowed = PREFIXES[scheme]
    spans: list[tuple[int, int, str]] = []
    start, label = -1, ""  # the entity open before token k (start -1: none)
    for k, tag in enumerate(tags):
        prefix, this = split_tag(tag)
        if prefix != OUTSIDE and prefix not in allowed:
            raise TagError(k, repr(tag), f"a tag of the {scheme.upper()} scheme (prefixes "
                           f"{', '.join(allowed)}) or O")
        continues = start >= 0 and this == label
        if scheme == "bioes":
            if prefix in "IEL":
                if not continues:
                    raise TagError(k, f"{tag!r} after {_before(tags, k)}",
                                   f"B-{this} first (BIOES begins an entity with B- or S-)")
                if prefix != "I":
                    spans.append((start, k + 1, this))
                    start = -1
                continue
            if start >= 0:
                raise TagError(k, f"{tag!r} after {_before(tags, k)}",
                               f"I-{label} or E-{label} (the entity begun at token {start} "
                               "is not ended)")
            if prefix in "SU":
                spans.append((k, k + 1, this))
            elif prefix == "B":
                start, label = k, this
            continue
        if prefix == OUTSIDE:
            if start >= 0:
                spans.append((start, k, label))
            start = -1
        elif prefix == "I" and continues:
            continue
        elif prefix == "I" and scheme == "iob2":
            raise TagError(k, f"{tag!r} after {_before(tags, k)}",
                           f"B-{this} to begin an entity (IOB2)")
        elif prefix == "B" and scheme == "iob1" and not continues:
            raise TagError(k, f"{tag!r} after {_before(tags, k)}",
                           f"I-{this} to begin an entity (IOB1 uses B- only between two "
                           "adjacent entities of one label)")
        else:  # a new entity: B- (IOB2; IOB1 after one of its label) or I- (IOB1)
            if start >= 0:
                spans.append((start, k, label))
            start, label = k, this
    if start >= 0:
        if scheme == "bioes":
            raise TagError(len(tags), "the end of the sentence",
                           f"E-{label} (the entity begun at token {start} is not ended)")
        spans.append((start, len(tags), label))
    return spans


def _before(tags: Sequence[str], k: int) -> str:
    """What precedes token ``k``, for a message."""
    return repr(tags[k - 1]) if k else "the start of the sentence"


def join_tokens(sentences: Iterable[Sequence[str]]) -> tuple[str, list[tuple[int, int]], list[int]]:
    """The text of a document's sentences (tokens joined by one space, sentences by one
    newline), each token's ``(start, end)`` in it, and the index of each sentence's first
    token."""
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    firsts: list[int] = []
    at = 0
    for n, tokens in enumerate(sentences):
        if n:
            parts.append(SENTENCE_SEPARATOR)
            at += len(SENTENCE_SEPARATOR)
        firsts.append(len(offsets))
        for k, token in enumerate(tokens):
            if k:
                parts.append(TOKEN_SEPARATOR)
                at += len(TOKEN_SEPARATOR)
            parts.append(token)
            offsets.append((at, at + len(token)))
            at += len(token)
    return "".join(parts), offsets, firsts
