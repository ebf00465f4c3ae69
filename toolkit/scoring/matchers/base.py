"""The claim matcher interface: how similar a predicted claim's text is to a gold claim's.

A matcher takes a batch of ``(predicted, gold)`` text pairs and returns one similarity in
[0, 1] per pair; the claim scorer builds the pairs (statement against gold statement and gold
span text), passes them through the fact-consistency gate (``scoring.gate``) and does the
one-to-one assignment. Matchers are found by name (``registry``): the built-ins ``token``,
``semantic`` and ``llm``, and any third party's under the entry point group
``ecbench.claim_matchers``.

A third-party matcher is a subclass with a ``name``, a ``default_threshold`` and
``similarity``; options given by the user (``--claim-match-option key=value``) arrive as
keyword arguments.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

import numpy as np

from ...problems import MatcherError  # noqa: F401 (matchers raise it)


class ClaimMatcher:
    #: the name users select with ``--claim-match`` and reports record
    name: ClassVar[str] = ""
    #: the similarity a pair needs to match when the user gives no ``--threshold``
    default_threshold: ClassVar[float] = 0.5
    #: a folder kept between runs (the semantic matcher's embeddings); the fact gate keeps its
    #: analyses of the statements there too (``scoring.statement_cache``); empty: nothing kept
    cache_dir: str = ""

    def __init__(self, **options: Any):
        if options:
            raise MatcherError(f"claim matcher {self.name!r}: unknown option(s) "
                               f"{', '.join(sorted(options))}")

    def similarity(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """One similarity in [0, 1] per ``(predicted text, gold text)`` pair."""
        raise NotImplementedError

    def prepare(self, texts: Iterable[str]) -> None:
        """Called once with every text about to be compared (e.g. to embed them in one batch)."""

    def describe(self) -> dict[str, Any]:
        """What the report records about this matcher (name plus its settings)."""
        return {"name": self.name}
