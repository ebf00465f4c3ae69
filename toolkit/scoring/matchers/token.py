"""``token``: SQuAD token F1, the scorer's original similarity, kept for comparison with
published numbers (with ``gate=False`` in ``score()`` the results are unchanged)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .base import ClaimMatcher


class TokenMatcher(ClaimMatcher):
    name = "token"
    default_threshold = 0.5

    def similarity(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        from ..claims import token_f1

        return np.array([token_f1(p, g) for p, g in pairs], dtype=float)
