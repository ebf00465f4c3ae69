"""The four mention schemes of SemEval-2013 (task 9.1) that nervaluate made standard, declared
once: how each counts a gold/predicted pair, and the outcome codes the mention sweep tallies.

========  =====================  =====================  ============================
scheme    same boundaries        overlap, same label    overlap, other label
========  =====================  =====================  ============================
strict    correct if same label  incorrect              incorrect
exact     correct                incorrect              incorrect
partial   correct                partial (half credit)  partial (half credit)
type      correct if same label  correct                incorrect
========  =====================  =====================  ============================

Unmatched gold is *missed*, unmatched predictions are *spurious*, in every scheme. A scheme is
declared (as seqeval's ``scheme.py`` declares its tagging schemes) by what makes a pair
correct (the gold boundaries, the gold label, or both) and what a pair that is not correct
counts as (incorrect, or partial).

Outcome codes. The sweep counts outcomes, not scheme counts, per document and per label: codes
0-5 are the ``KINDS`` of a pair in a component of one gold and one predicted span (every scheme
reads such a pair the same way: ``Scheme.columns``), and ``6 + 5 * scheme + column`` is one
scheme's own count, for components where the schemes' assignments may differ. A document's
``N_CODES`` counts times ``code_matrix`` are its counts under every scheme.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Literal

import numpy as np

from .prf import possible_actual, scheme_prf

#: The five counts of a scheme, in the order the JSON shows them.
COUNT_FIELDS = ("correct", "incorrect", "partial", "missed", "spurious")
#: The keys of one scheme's figures in the report, in order.
MENTION_KEYS = ("precision", "recall", "f1", *COUNT_FIELDS, "possible", "actual")
_CORRECT, _INCORRECT, _PARTIAL, _MISSED, _SPURIOUS = range(len(COUNT_FIELDS))

MatchKind = Literal["correct", "wrong_label", "wrong_boundary", "wrong_both", "missed", "spurious"]
#: What became of a span in the strict assignment (the error report's kinds), and the outcome
#: codes 0-5: a pair with the gold boundaries and label, with the boundaries only, with the
#: label only, with neither; a gold span left alone; a prediction left alone.
KINDS: tuple[MatchKind, ...] = ("correct", "wrong_label", "wrong_boundary", "wrong_both",
                                "missed", "spurious")
CORRECT, WRONG_LABEL, WRONG_BOUNDARY, WRONG_BOTH, MISSED, SPURIOUS = range(len(KINDS))


@dataclass(frozen=True)
class Scheme:
    """One scheme: a pair is correct when it has the gold boundaries (if ``needs_bounds``) and
    the gold label (if ``needs_label``); any other pair counts as ``near_miss``."""

    name: str
    index: int
    needs_bounds: bool
    needs_label: bool
    near_miss: Literal["incorrect", "partial"]
    #: the column of each pair kind (``KINDS``) in COUNT_FIELDS order
    columns: tuple[int, ...] = field(init=False)
    #: this scheme's own outcome codes, one per COUNT_FIELDS column
    codes: tuple[int, ...] = field(init=False)

    def __post_init__(self) -> None:
        near = COUNT_FIELDS.index(self.near_miss)
        columns = tuple(_CORRECT if self.is_correct(k in (CORRECT, WRONG_LABEL),
                                                    k in (CORRECT, WRONG_BOUNDARY)) else near
                        for k in (CORRECT, WRONG_LABEL, WRONG_BOUNDARY, WRONG_BOTH))
        object.__setattr__(self, "columns", (*columns, _MISSED, _SPURIOUS))
        object.__setattr__(self, "codes", tuple(len(KINDS) + len(COUNT_FIELDS) * self.index + c
                                                for c in range(len(COUNT_FIELDS))))

    def is_correct(self, same_bounds: bool, same_label: bool) -> bool:
        return (same_bounds or not self.needs_bounds) and (same_label or not self.needs_label)

    @property
    def near_miss_code(self) -> int:
        return self.codes[COUNT_FIELDS.index(self.near_miss)]

    def counts(self, codes) -> SchemeCounts:
        """This scheme's counts from a document's (or a label's) outcome-code counts."""
        out = list(codes[self.codes[0]:self.codes[-1] + 1])
        for kind, column in enumerate(self.columns):
            out[column] += codes[kind]
        return SchemeCounts(*out)


ALL_SCHEMES: tuple[Scheme, ...] = (
    Scheme("strict", 0, needs_bounds=True, needs_label=True, near_miss="incorrect"),
    Scheme("exact", 1, needs_bounds=True, needs_label=False, near_miss="incorrect"),
    Scheme("partial", 2, needs_bounds=True, needs_label=False, near_miss="partial"),
    Scheme("type", 3, needs_bounds=False, needs_label=True, near_miss="incorrect"),
)
STRICT, EXACT, PARTIAL, TYPE = ALL_SCHEMES
SCHEMES: tuple[str, ...] = tuple(s.name for s in ALL_SCHEMES)
N_CODES = len(KINDS) + len(COUNT_FIELDS) * len(ALL_SCHEMES)


@dataclass
class SchemeCounts:
    """One scheme's counts, with nervaluate's derived figures."""

    correct: int = 0
    incorrect: int = 0
    partial: int = 0
    missed: int = 0
    spurious: int = 0

    @property
    def possible(self) -> int:
        return possible_actual(*self.as_tuple())[0]

    @property
    def actual(self) -> int:
        return possible_actual(*self.as_tuple())[1]

    def as_tuple(self) -> tuple[int, int, int, int, int]:
        """The five counts, in COUNT_FIELDS order."""
        return self.correct, self.incorrect, self.partial, self.missed, self.spurious

    def scores(self) -> tuple[float, float, float]:
        """``(precision, recall, f1)``: ``prf.scheme_prf`` of the counts."""
        return scheme_prf(*self.as_tuple())

    @property
    def precision(self) -> float:
        return self.scores()[0]

    @property
    def recall(self) -> float:
        return self.scores()[1]

    @property
    def f1(self) -> float:
        return self.scores()[2]

    def __add__(self, other: SchemeCounts) -> SchemeCounts:
        if not isinstance(other, SchemeCounts):
            return NotImplemented
        return SchemeCounts(*(a + b for a, b in zip(self.as_tuple(), other.as_tuple())))

    def to_dict(self) -> dict[str, float]:
        """The ``MENTION_KEYS``, in order."""
        counts = self.as_tuple()
        return dict(zip(MENTION_KEYS, (*scheme_prf(*counts), *counts, *possible_actual(*counts))))


def scheme_counts(codes) -> dict[str, SchemeCounts]:
    """Outcome-code counts -> scheme name -> SchemeCounts."""
    return {scheme.name: scheme.counts(codes) for scheme in ALL_SCHEMES}


@cache
def code_matrix(scheme: str):
    """The integer matrix (``N_CODES`` x 5) taking outcome-code counts to the scheme's
    counts: row k is what one outcome of code k adds."""
    found = next(s for s in ALL_SCHEMES if s.name == scheme)
    matrix = np.zeros((N_CODES, len(COUNT_FIELDS)), dtype=np.int64)
    for kind, column in enumerate(found.columns):
        matrix[kind, column] = 1
    for column, code in enumerate(found.codes):
        matrix[code, column] = 1
    matrix.flags.writeable = False
    return matrix


def scheme_arrays(codes) -> dict:
    """scheme name -> an integer array of (correct, incorrect, partial, missed, spurious) rows,
    from an array of outcome-code rows (one per document, or per sentence)."""
    return {scheme: codes @ code_matrix(scheme) for scheme in SCHEMES}
