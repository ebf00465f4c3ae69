"""What ``score()`` is asked to do: ``ScoreOptions``, checked once when it is made and handed
as one value to the stage, instead of a dozen keyword arguments threaded through every call.

>>> ScoreOptions(produces=("mentions",), n_resamples=0).produces
('mentions',)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .matchers import default_threshold, matcher_name

#: The tasks a system can be scored on.
TASKS = ("mentions", "claims")


@dataclass(frozen=True)
class ScoreOptions:
    """The settings of one scoring run (the keyword arguments of ``score()``).

    - ``produces``: the tasks the system attempted; the others are reported as skipped
      (``null``), not as zero.
    - ``labels`` / ``label_map``: applied to both sides (``labels.relabel``): the map first,
      then only ``labels`` are kept.
    - ``threshold``: the claim similarity a pair needs to match; None: the claim matcher's own
      (``default_threshold``).
    - ``n_resamples`` / ``seed``: the bootstrap's (0: no intervals).
    - ``min_overlap`` (0-100): the share of a gold span a predicted mention must cover to pair
      with it (nervaluate's ``min_overlap_percentage``; 0: any overlap).
    - ``error_details``: keep every per-mention decision (the error report needs them; on large
      files they cost time and memory).
    - ``claim_match``: the claim matcher, a name (``matchers.get``) or a ``ClaimMatcher``; by
      default the most accurate one this install runs offline (``matchers.default_name``);
      ``claim_match_options`` its options; ``gate``: run the fact-consistency gate on every
      claim pair.
    - ``claim_checks``: the claim checks run on every claim (``claim_checks.build``: ``all``,
      ``none`` or names, comma-separated), ``claim_check_options`` their options (check name
      -> keyword arguments).
    """

    produces: Sequence[str] = TASKS
    labels: Sequence[str] | None = None
    label_map: Mapping[str, str | None] | None = None
    threshold: float | None = None
    n_resamples: int = 1000
    seed: int = 0
    min_overlap: float = 0.0
    error_details: bool = True
    claim_match: Any = None  # str | ClaimMatcher | None
    claim_match_options: Mapping[str, Any] | None = None
    gate: bool = True
    claim_checks: str = "all"
    claim_check_options: Mapping[str, Mapping[str, Any]] | None = None

    def __post_init__(self) -> None:
        unknown = [t for t in self.produces if t not in TASKS]
        if unknown:
            raise ValueError(f"produces: found {unknown}, expected a subset of {list(TASKS)}")
        if self.n_resamples < 0:
            raise ValueError(f"n_resamples: found {self.n_resamples}, expected 0 (no intervals) "
                             "or more")
        object.__setattr__(self, "produces", tuple(self.produces))

    def claim_threshold(self, matching=None) -> float:
        """The threshold claims are matched at: the one given, else the matcher's own."""
        if self.threshold is not None:
            return self.threshold
        return (matching.matcher.default_threshold if matching is not None
                else default_threshold(self.claim_match))

    def settings(self, threshold: float, matching=None) -> dict:
        """The report's ``settings`` section: what was scored, and how (``matching``: the
        ``similarity.ClaimMatching`` claims were scored with, if they were)."""
        return {"produces": [t for t in TASKS if t in self.produces],
                "labels": list(self.labels) if self.labels is not None else None,
                "label_map": dict(self.label_map) if self.label_map is not None else None,
                "threshold": threshold, "min_overlap": self.min_overlap,
                "n_resamples": self.n_resamples, "seed": self.seed,
                "claim_match": (matching.describe() if matching is not None else
                                {"name": matcher_name(self.claim_match), "gate": self.gate})}
