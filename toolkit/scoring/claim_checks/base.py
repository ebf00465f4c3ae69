"""The claim check interface: one property of a claim judged on its own (not against gold),
with the evidence that decided it.

A check takes the claims of many documents at once (``DocumentClaims``: one system's
statements of one document, the document's text and what else is known about it) and returns
one ``Verdict`` per statement, in order. Checks are found by name (``registry``): the
built-ins ``supported``, ``standalone``, ``atomic`` and ``redundant``, and any third party's
under the entry point group ``ecbench.claim_checks``. Options given by the user arrive as
keyword arguments; an unknown one is a ``ClaimCheckError``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from ...problems import ClaimCheckError
from ..matchers import ClaimMatcher


@dataclass(frozen=True)
class Verdict:
    """``passed``: the claim has the property (True), has not (False), or was not checked
    (None: ``evidence`` says why). ``evidence``: what decided it, in words ("6,000 not in the
    source"); empty for a plain pass."""

    passed: bool | None
    evidence: str = ""


@dataclass(frozen=True)
class DocumentClaims:
    """One system's claims on one document, and what the checks may consult."""

    doc_id: str
    statements: Sequence[str]
    text: str | None = None  # the source document (None: unknown)
    #: entity id -> names, from the gold mentions (name variants of the document's entities)
    entity_names: Mapping[str, Sequence[str]] = field(default_factory=dict)
    #: the date relative expressions of the text resolve against (the manifest's reference_date)
    reference_date: date | None = None


class ClaimCheck:
    #: the name users select with ``--claim-checks`` and reports record
    name: ClassVar[str] = ""
    #: what a claim that passes is, as the reports' headings say it
    passed_as: ClassVar[str] = ""

    def __init__(self, **options: Any):
        if options:
            raise ClaimCheckError(f"claim check {self.name!r}: unknown option(s) "
                                f"{', '.join(sorted(options))}")

    def check(self, documents: Sequence[DocumentClaims],
              matcher: ClaimMatcher) -> list[list[Verdict]]:
        """One verdict per statement of each document, in order. ``matcher`` is the run's claim
        matcher (its embeddings are warm: checks that compare texts use it)."""
        raise NotImplementedError

    def describe(self) -> dict[str, Any]:
        """What the report records about this check (name plus its settings)."""
        return {"name": self.name}
