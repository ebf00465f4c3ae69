"""``token``: SQuAD token F1, the scorer's original similarity, kept for comparison with
published numbers (with ``gate=False`` in ``score()`` the results are unchanged).

Each distinct text is normalised once (cached by text): the same number as ``claims.token_f1``
at a fraction of the cost when every prediction meets every gold claim of its document.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from .base import ClaimMatcher


class TokenMatcher(ClaimMatcher):
    name = "token"
    default_threshold = 0.5

    def __init__(self, **options):
        super().__init__(**options)
        self._bags: dict[str, tuple[Counter, int]] = {}

    def _bag(self, text: str) -> tuple[Counter, int]:
        bag = self._bags.get(text)
        if bag is None:
            from ..claims import normalize_tokens

            tokens = normalize_tokens(text)
            bag = self._bags[text] = (Counter(tokens), len(tokens))
        return bag

    def similarity(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        out = np.empty(len(pairs))
        for k, (p, g) in enumerate(pairs):
            (pc, pn), (gc, gn) = self._bag(p), self._bag(g)
            if not pn or not gn:
                out[k] = float(pn == gn)
            else:  # claims.token_f1, one division so exact ratios hit thresholds exactly
                out[k] = 2 * sum((pc & gc).values()) / (pn + gn)
        return out
