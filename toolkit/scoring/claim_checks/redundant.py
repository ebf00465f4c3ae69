"""``redundant``: the claim restates one the same system made earlier in the same document.
A pair is a restatement when the run's claim matcher rates it at least ``threshold`` (by
default the matcher's own: the similarity at which a prediction would match a gold claim)
and the fact-consistency gate lets it through both ways (neither claim adds or changes a
number, date, negation the other has: "over 10,000 troops" and "over 20,000 troops" are two
claims, however alike).

The first claim of a group of restatements passes; each later one is flagged, with the claim
it restates: ``restates claim 2 (0.84): "North Korea has sent ..."``. The share that passes
is then the share of distinct claims.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..gate import refusal
from ..matchers import ClaimMatcher
from .base import ClaimCheck, DocumentClaims, Verdict


class RedundantCheck(ClaimCheck):
    name = "redundant"
    passed_as = "non-redundant"

    def __init__(self, threshold: float | str | None = None):
        self.threshold = None if threshold is None else float(threshold)

    def check(self, documents: Sequence[DocumentClaims],
              matcher: ClaimMatcher) -> list[list[Verdict]]:
        threshold = self.threshold if self.threshold is not None else matcher.default_threshold
        out = []
        for d in documents:
            statements = list(d.statements)
            pairs = [(statements[j], statements[i]) for j in range(len(statements))
                     for i in range(j)]
            sims = iter(matcher.similarity(pairs).tolist() if pairs else ())
            verdicts = []
            for j, statement in enumerate(statements):
                restated = None
                for i in range(j):
                    sim = next(sims)
                    if restated is None and sim >= threshold and statement != "" \
                            and refusal(statement, statements[i]) is None \
                            and refusal(statements[i], statement) is None:
                        restated = (i, sim)
                if restated is None:
                    verdicts.append(Verdict(True))
                else:
                    i, sim = restated
                    verdicts.append(Verdict(False, f'restates claim {i + 1} ({sim:.2f}): '
                                                   f'"{statements[i]}"'))
            out.append(verdicts)
        return out

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, **({"threshold": self.threshold} if self.threshold is not None
                                      else {})}
